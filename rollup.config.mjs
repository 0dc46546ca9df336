// Three browser bundles, every dependency inlined so a page needs one file:
//   dist/upscope.js        ESM, `import { Upscope } from '.../upscope.js'`
//   dist/upscope.iife.js   classic <script>; the entry itself sets window.Upscope
//   dist/upscope-capture.js  ESM, the capture engine; the two visitor bundles import it from beside
//                          themselves only when a session becomes active
//   dist/upscope-agent.js  the agent console, separate so visitors never download it
// Type declarations come from tsc (tsconfig.build.json), not from rollup.
import { nodeResolve } from '@rollup/plugin-node-resolve';
import esbuild from 'rollup-plugin-esbuild';
import { fileURLToPath } from 'node:url';

const TRUSTED_TYPES_MODULE = fileURLToPath(new URL('src/visitor/trusted-types.ts', import.meta.url));
/** lit-html's production build makes its Trusted Types policy with this one expression. */
const LIT_POLICY = /(\w+)\.createPolicy\("lit-html",\{createHTML:(\w+)=>\2\}\)/;

/**
 * lit-html makes a Trusted Types policy named `lit-html` when it loads. Under a site's
 * `trusted-types` directive that is one more name to allow, and a second copy of lit on the page
 * (the site's own) would then be refused as a duplicate. Our bundles route lit's templates through
 * the `upscope` policy instead (src/visitor/trusted-types.ts). The build fails if lit changes the shape.
 */
function litTrustedTypes() {
  return {
    name: 'upscope-lit-trusted-types',
    transform(code, id) {
      if (!/[\\/]lit-html[\\/]lit-html\.js$/.test(id)) return null;
      if (!LIT_POLICY.test(code)) this.error(`${id} no longer makes its Trusted Types policy as rollup.config.mjs expects; update litTrustedTypes()`);
      // Appended: imports are hoisted, and the code above keeps its lines for the source map.
      const shared = `\nimport { litTrustedTypesPolicy as __upscopeLitPolicy } from ${JSON.stringify(TRUSTED_TYPES_MODULE)};\n`;
      return { code: code.replace(LIT_POLICY, '__upscopeLitPolicy()') + shared, map: null };
    },
  };
}

const plugins = () => [
  nodeResolve({ browser: true, exportConditions: ['browser', 'production'] }),
  litTrustedTypes(),
  esbuild({ target: 'es2022', minify: true, sourceMap: true, tsconfig: 'tsconfig.json' }),
];

/** @type {import('rollup').RollupOptions[]} */
export default [
  {
    input: 'src/visitor/bundle.ts',
    output: { file: 'dist/upscope.js', format: 'es', sourcemap: true },
    plugins: plugins(),
  },
  {
    input: 'src/visitor/bundle-iife.ts',
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
