/**
 * Tiled painting for the canvas renderers (the head view's lines, the neuron view's cells): a tall picture is
 * cut into horizontal tiles; the tiles on screen are drawn at once, the others after the first frame in
 * slices of about 12 ms, so that input is handled between two slices. A new paint cancels the old one, and
 * the tiles on screen are asked again before each slice, so scrolling reorders what is drawn next.
 *
 * Self-contained on purpose (see `runtime/types.ts`).
 */

import type { Lib } from './types.js';

/** Adds `tilesOnScreen` and `paintTiles` to `lib`. */
export function tilesPart(lib: Lib): void {
  lib.tilesOnScreen = (element: Element, rows: number, tile: number) => {
    const win = element.ownerDocument.defaultView;
    const box = element.getBoundingClientRect();
    const view = win?.innerHeight ?? box.bottom;
    const tiles = Math.ceil(rows / tile);
    const top = Math.max(0, Math.floor(((-box.top / (box.height || 1)) * rows) / tile));
    const bottom = Math.min(tiles - 1, Math.floor((((view - box.top) / (box.height || 1)) * rows) / tile));
    return [top, bottom];
  };

  lib.paintTiles = (
    win: Window | null,
    tiles: number,
    onScreen: () => number[],
    step: (tile: number, whole: boolean) => boolean,
  ) => {
    const done = new Uint8Array(tiles);
    let drawn = 0;
    let cancelled = false;
    const job = {
      painting: false,
      cancel() {
        cancelled = true;
        job.painting = false;
      },
    };
    const next = () => {
      const [top = 0, bottom = -1] = onScreen();
      for (let t = top; t <= bottom; t++) if (!done[t]) return { t, onScreen: true };
      for (let t = 0; t < tiles; t++) if (!done[t]) return { t, onScreen: false };
      return null;
    };
    const finish = (t: number) => {
      done[t] = 1;
      drawn++;
    };
    // What is on screen is drawn at once (at least one tile), each tile whole...
    for (let n = next(); n && (n.onScreen || drawn === 0); n = next()) {
      step(n.t, true);
      finish(n.t);
    }
    // ...the rest after the first frame, a step at a time (`step` may need several calls for one tile).
    const work = () => {
      if (cancelled) return;
      const start = Date.now();
      for (let n = next(); n; n = next()) {
        if (step(n.t, false)) finish(n.t);
        if (Date.now() - start > 12) break;
      }
      job.painting = next() !== null;
      if (job.painting) setTimeout(work, 0);
    };
    job.painting = next() !== null;
    if (job.painting) {
      if (win?.requestAnimationFrame) win.requestAnimationFrame(() => setTimeout(work, 0));
      else setTimeout(work, 0);
    }
    return job;
  };
}
