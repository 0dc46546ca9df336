/** How many computed styles `run` reads through `window.getComputedStyle` (the masks' search costs a page this many). */
export function countStyleReads(run: () => void): number {
  const real = window.getComputedStyle;
  let reads = 0;
  window.getComputedStyle = function (this: Window, ...args: Parameters<typeof real>) {
    reads++;
    return real.apply(this, args);
  };
  try {
    run();
  } finally {
    window.getComputedStyle = real;
  }
  return reads;
}
