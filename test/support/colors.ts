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
