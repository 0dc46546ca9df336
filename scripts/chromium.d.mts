// Types for chromium.mjs, so TypeScript tests and benchmarks can import it directly.
export declare const CHROMIUM_ARGS: readonly string[];
export declare function findChromium(options?: { install?: boolean }): Promise<string>;
