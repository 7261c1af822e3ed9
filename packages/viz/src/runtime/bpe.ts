/**
 * The BPE view: the trace of `encodeAndShowWork` (Exercise 1 of the Transformer Day notebook; Python:
 * `lxmls.transformers.bpe.Encoder.encode_and_show_work`) as coloured token boxes. At the top, the whole text as
 * its final tokens, each with its id; below, one row per pre-tokenizer chunk: the chunk, its UTF-8 bytes,
 * their printable stand-ins (a space is `Ġ`), and the tokens the merges left, with their ids.
 *
 * Self-contained on purpose (see `runtime/types.ts`).
 */

import type { BpePartModel, BpeRenderOptions, Lib } from './types.js';

/** Adds `bpeSvg` and `mountBpe` to `lib`. */
export function bpePart(lib: Lib): void {
  lib.bpeSvg = (parts: BpePartModel[], options: BpeRenderOptions) => {
    const p = lib.palette(options.theme);
    const pad = 10;
    const fs = 13;
    const body: string[] = [];
    let y = pad;
    if (options.title) {
      body.push(
        `<text x="${pad}" y="${y + 14}" font-size="15" font-weight="bold" fill="${p.fg}">${lib.esc(options.title)}</text>`,
      );
      y += 26;
    }
    const count = parts.reduce((n, part) => n + part.ids.length, 0);
    body.push(
      `<text x="${pad}" y="${y + 12}" font-size="12" fill="${p.muted}">${count} token${count === 1 ? '' : 's'}, ${parts.length} chunk${parts.length === 1 ? '' : 's'}</text>`,
    );
    y += 20;

    // 1. The text as its tokens, wrapped at the width: box = token, small number below = id.
    let x = pad;
    let index = 0;
    const boxH = 22;
    const lineH = boxH + 18;
    for (const part of parts) {
      part.display.forEach((label, m) => {
        const id = part.ids[m]!;
        const bw = Math.ceil(Math.max(lib.textWidth(label, fs), lib.textWidth(String(id), 10)) + 10);
        if (x + bw > options.width - pad && x > pad) {
          x = pad;
          y += lineH;
        }
        body.push(
          `<g class="lx-bpe-token" data-index="${index}"><title>${lib.esc(`${JSON.stringify(part.merged[m])} → ${id}`)}</title>` +
            `<rect x="${x}" y="${y}" width="${bw}" height="${boxH}" rx="3" fill="${lib.tokenColor(index, options.theme)}"/>` +
            `<text x="${x + bw / 2}" y="${y + boxH / 2}" font-size="${fs}" text-anchor="middle" dominant-baseline="central" fill="${p.fg}">${lib.esc(label)}</text>` +
            `<text x="${x + bw / 2}" y="${y + boxH + 11}" font-size="10" text-anchor="middle" fill="${p.muted}">${id}</text></g>`,
        );
        x += bw + 3;
        index++;
      });
    }
    y += lineH + 14;

    // 2. One row per chunk: chunk | bytes | translated | merged tokens (with ids).
    const hex = (bytes: number[]) => {
      const shown = bytes.slice(0, 12).map((b) => b.toString(16).padStart(2, '0'));
      return shown.join(' ') + (bytes.length > 12 ? ' …' : '');
    };
    const cells = parts.map((part) => [JSON.stringify(part.token), hex(part.bytes), part.translated]);
    const heads = ['chunk', 'bytes', 'translated', 'merged → ids'];
    const colW = [0, 1, 2].map((c) =>
      Math.ceil(
        Math.max(lib.textWidth(heads[c]!, 12), ...cells.map((row) => lib.textWidth(row[c]!, 12))) + 16,
      ),
    );
    const colX = [pad, pad + colW[0]!, pad + colW[0]! + colW[1]!, pad + colW[0]! + colW[1]! + colW[2]!];
    heads.forEach((h, c) => {
      body.push(
        `<text x="${colX[c]}" y="${y}" font-size="12" font-weight="bold" fill="${p.muted}">${h}</text>`,
      );
    });
    y += 8;
    let widest = options.width;
    index = 0;
    parts.forEach((part, r) => {
      const rowY = y + r * 28;
      body.push(`<g class="lx-bpe-row" data-row="${r}">`);
      body.push(
        `<line x1="${pad}" x2="${options.width - pad}" y1="${rowY}" y2="${rowY}" stroke="${p.grid}"/>`,
      );
      cells[r]!.forEach((text, c) => {
        body.push(
          `<text x="${colX[c]}" y="${rowY + 18}" font-size="12" fill="${p.fg}">${lib.esc(text)}</text>`,
        );
      });
      let bx = colX[3]!;
      part.display.forEach((label, m) => {
        const text = `${label} ${part.ids[m]}`;
        const bw = Math.ceil(lib.textWidth(text, 12) + 10);
        body.push(
          `<g class="lx-bpe-merged"><rect x="${bx}" y="${rowY + 5}" width="${bw}" height="19" rx="3" fill="${lib.tokenColor(index, options.theme)}"/>` +
            `<text x="${bx + 5}" y="${rowY + 18}" font-size="12" fill="${p.fg}">${lib.esc(label)}<tspan fill="${p.muted}" font-size="10"> ${part.ids[m]}</tspan></text></g>`,
        );
        bx += bw + 3;
        index++;
      });
      widest = Math.max(widest, bx + pad);
      body.push('</g>');
    });
    y += parts.length * 28 + pad;
    return `${lib.svgOpen(Math.ceil(widest), Math.ceil(y), options.theme, 'lx-bpe-svg')}${body.join('')}</svg>`;
  };

  lib.mountBpe = (element: HTMLElement, initialParts: BpePartModel[], initialOptions: BpeRenderOptions) => {
    let parts = initialParts;
    let options = initialOptions;
    const root = element.ownerDocument.createElement('div');
    root.className = 'lx-viz lx-bpe-view';
    element.appendChild(root);
    const draw = () => {
      root.dataset.theme = options.theme;
      root.innerHTML = lib.bpeSvg(parts, options);
      lib.ensureStyle(root);
    };
    draw();
    return {
      element: root,
      update(data: unknown, next: unknown) {
        if (data) parts = data as BpePartModel[];
        if (next) options = next as BpeRenderOptions;
        draw();
      },
      destroy() {
        root.remove();
      },
    };
  };
}
