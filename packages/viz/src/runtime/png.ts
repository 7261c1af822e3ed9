/**
 * PNG export in browsers (bertviz's PNG export never reached its master branch): the view as the reader sees
 * it, drawn onto one canvas. Each `<svg>` of the view is serialised and drawn as an image (a `data:` URL, which
 * does not taint the canvas), each `<canvas>` is copied, and the text labels of the model view are written
 * with `fillText`, all at their place on screen and at the device's pixel ratio. Controls are left out.
 *
 * Self-contained on purpose (see `runtime/types.ts`).
 */

import type { Lib } from './types.js';

/** Adds `renderPng`, `downloadBlob` and `pngButton` to `lib`. */
export function pngPart(lib: Lib): void {
  const SVG_NS = ['http:', '', 'www.w3.org', '2000', 'svg'].join('/');

  lib.renderPng = async (root: HTMLElement) => {
    const doc = root.ownerDocument;
    const win = doc.defaultView;
    const ratio = win?.devicePixelRatio || 1;
    const box = root.getBoundingClientRect();
    const canvas = doc.createElement('canvas');
    canvas.width = Math.max(1, Math.ceil(box.width * ratio));
    canvas.height = Math.max(1, Math.ceil(box.height * ratio));
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('[@lxmls/viz] toPng: this browser gives no 2-D canvas context.');
    ctx.scale(ratio, ratio);
    ctx.fillStyle = win?.getComputedStyle(root).backgroundColor || '#ffffff';
    ctx.fillRect(0, 0, box.width, box.height);
    const parts = root.querySelectorAll<HTMLElement>('svg.lx-svg, canvas, .lx-label');
    for (const part of parts) {
      const r = part.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const x = r.left - box.left;
      const y = r.top - box.top;
      if (part.tagName.toLowerCase() === 'canvas') {
        ctx.drawImage(part as unknown as HTMLCanvasElement, x, y, r.width, r.height);
      } else if (part.classList.contains('lx-label')) {
        const style = win?.getComputedStyle(part);
        ctx.font = style ? `${style.fontSize} ${style.fontFamily}` : '11px sans-serif';
        ctx.fillStyle = style?.color ?? '#000';
        ctx.globalAlpha = Number(style?.opacity ?? 1);
        ctx.textAlign = 'center';
        ctx.textBaseline = 'middle';
        ctx.fillText(part.textContent ?? '', x + r.width / 2, y + r.height / 2);
        ctx.globalAlpha = 1;
      } else {
        const copy = part.cloneNode(true) as unknown as SVGSVGElement;
        copy.setAttribute('xmlns', SVG_NS);
        // What a stylesheet hides (the lines of other tokens while one is focused) is removed from the copy.
        const stage = part.closest('.lx-stage') as HTMLElement | null;
        const focus = stage?.dataset.focus;
        if (focus) {
          const attr = focus[0] === 'q' ? 'data-q' : 'data-k';
          for (const line of copy.querySelectorAll('.lx-line')) {
            if (line.getAttribute(attr) !== focus.slice(1)) line.remove();
          }
        }
        for (const hidden of copy.querySelectorAll('[display="none"]')) hidden.remove();
        const text = new XMLSerializer().serializeToString(copy);
        const image = new Image();
        image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
        await image.decode();
        ctx.drawImage(image, x, y, r.width, r.height);
      }
    }
    return new Promise<Blob>((resolve, reject) =>
      canvas.toBlob(
        (blob) => (blob ? resolve(blob) : reject(new Error('[@lxmls/viz] toPng: the canvas gave no PNG.'))),
        'image/png',
      ),
    );
  };

  lib.downloadBlob = (doc: Document, blob: Blob, filename: string) => {
    const url = URL.createObjectURL(blob);
    const a = doc.createElement('a');
    a.href = url;
    a.download = filename;
    a.style.display = 'none';
    doc.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  lib.pngButton = (root: HTMLElement, filename: string) => {
    const button = root.ownerDocument.createElement('button');
    button.type = 'button';
    button.className = 'lx-png';
    button.textContent = 'PNG';
    button.title = 'Save this view as a PNG image';
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        lib.downloadBlob(root.ownerDocument, await lib.renderPng(root), filename);
      } finally {
        button.disabled = false;
      }
    });
    return button;
  };
}
