/** A tile of the frame, in frame pixels. */
export interface TileRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The frame cut into `size`-pixel squares, row by row; the last row and column may be smaller. */
export function tileGrid(width: number, height: number, size: number): TileRect[] {
  const tiles: TileRect[] = [];
  for (let y = 0; y < height; y += size) {
    for (let x = 0; x < width; x += size) {
      tiles.push({ x, y, width: Math.min(size, width - x), height: Math.min(size, height - y) });
    }
  }
  return tiles;
}

/**
 * The tiles whose pixels differ between two frames of the same size (RGBA, one uint32 a pixel).
 * With no previous frame every tile has changed.
 */
export function changedTiles(previous: Uint32Array | null, next: Uint32Array, width: number, height: number, size: number): TileRect[] {
  const grid = tileGrid(width, height, size);
  if (!previous || previous.length !== next.length || next.length !== width * height) return grid;
  return grid.filter((t) => {
    for (let row = t.y; row < t.y + t.height; row++) {
      const start = row * width + t.x;
      for (let i = start; i < start + t.width; i++) if (previous[i] !== next[i]) return true;
    }
    return false;
  });
}
