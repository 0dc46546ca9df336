// Three browser bundles, every dependency inlined so a page needs one file:
//   dist/upscope.js        ESM, `import { Upscope } from '.../upscope.js'`
//   dist/upscope.iife.js   classic <script>; the entry itself sets window.Upscope
//   dist/upscope-capture.js  ESM, the capture engine; the two visitor bundles import it from beside
//                          themselves only when a session becomes active
//   dist/upscope-agent.js  the agent console, separate so visitors never download it
// Type declarations come from tsc (tsconfig.build.json), not from rollup.
import { nodeResolve } from '@rollup/plugin-node-resolve';
import esbuild from 'rollup-plugin-esbuild';

const plugins = () => [
  nodeResolve({ browser: true, exportConditions: ['browser', 'production'] }),
  esbuild({ target: 'es2022', minify: true, sourceMap: true, tsconfig: 'tsconfig.json' }),
];

/** @type {import('rollup').RollupOptions[]} */
export default [
  {
    input: 'src/bundle.ts',
    output: { file: 'dist/upscope.js', format: 'es', sourcemap: true },
    plugins: plugins(),
  },
  {
    input: 'src/bundle-iife.ts',
    output: { file: 'dist/upscope.iife.js', format: 'iife', sourcemap: true },
    plugins: plugins(),
  },
  {
    input: 'src/capture/bundle.ts',
    output: { file: 'dist/upscope-capture.js', format: 'es', sourcemap: true },
    plugins: plugins(),
  },
  {
    input: 'src/agent/bundle.ts',
    output: { file: 'dist/upscope-agent.js', format: 'es', sourcemap: true },
    plugins: plugins(),
  },
];
