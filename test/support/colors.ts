/**
 * Comparing a pixel with the colour it should be, defined once for every test (browser and
 * Node): the distance is the sum of the red, green and blue differences, and "near" is under
 * NEAR_COLOR, loose enough for image encoding and scaling, far tighter than the gap between any
 * two colours the tests tell apart (red, blue, green, black, white). Alpha is not compared.
 */
export type RGB = [number, number, number];

/** The one tolerance: the most a pixel's channels may differ from the colour, summed. */
export const NEAR_COLOR = 60;

export const colorDistance = (got: ArrayLike<number>, want: ArrayLike<number>): number => Math.abs(got[0] - want[0]) + Math.abs(got[1] - want[1]) + Math.abs(got[2] - want[2]);

/** Whether `got` (RGB or RGBA) is `want`, within `tolerance` (a count of nearly-`want` pixels in anti-aliased text passes a wider one). */
export const near = (got: ArrayLike<number>, want: ArrayLike<number>, tolerance = NEAR_COLOR): boolean => colorDistance(got, want) < tolerance;

/** `bitmap` drawn over white on a canvas of its size, to read pixels from (a raster is transparent where only the page background shows). Closes `bitmap`. */
export function overWhite(bitmap: ImageBitmap): OffscreenCanvasRenderingContext2D {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  return ctx;
}

/** How many pixels of `bitmap`, drawn over white, in `box` (rounded to whole pixels) are near `color`. Closes `bitmap`. */
export function countNearIn(bitmap: ImageBitmap, box: { left: number; top: number; width: number; height: number }, color: RGB): number {
  const ctx = overWhite(bitmap);
  const d = ctx.getImageData(Math.round(box.left), Math.round(box.top), Math.max(1, Math.round(box.width)), Math.max(1, Math.round(box.height))).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (near([d[i], d[i + 1], d[i + 2]], color)) n++;
  return n;
}
