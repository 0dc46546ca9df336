// Three browser bundles, every dependency inlined so a page needs one file:
//   dist/upscope.js        ESM, `import { Upscope } from '.../upscope.js'`
//   dist/upscope.iife.js   classic <script>; the entry itself sets window.Upscope
//   dist/upscope-capture.js  ESM, the capture engine; the two visitor bundles import it from beside
//                          themselves only when a session becomes active
//   dist/upscope-assist.js   ESM, the assist engine (agents' pointers and ink, remote control); the
//                          two visitor bundles import it from beside themselves when a session
//                          becomes active
//   dist/upscope-panels.js   ESM, the widget's panels, words and panel styles; the two visitor
//                          bundles import it from beside themselves when a panel is first needed
//   dist/upscope-agent.js  the agent console, separate so visitors never download it
// Type declarations come from tsc (tsconfig.build.json), not from rollup.
import { nodeResolve } from '@rollup/plugin-node-resolve';
import esbuild, { minify } from 'rollup-plugin-esbuild';
import { fileURLToPath } from 'node:url';
import { minify as terserMinify } from 'terser';
import { slimReconnectingSocket } from './scripts/slim-partysocket.mjs';

const LIT_SHIM = fileURLToPath(new URL('src/visitor/elements/upscope-widget/lit-shim.ts', import.meta.url));
const PANELS_MODULE = './upscope-widget.panels.js';
const ASSIST_MODULE = './assist-bundle.js';
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

/**
 * Squeezes the white space and comments out of lit `css` templates: esbuild minifies code, not the
 * CSS inside template strings. A template whose only `${}` are names (a shared block of
 * declarations, as `visuallyHidden`) is squeezed around them; any other is left as written. Only
 * a tag `css` that no word, dot, quote or backtick precedes is one (codereview29: `theme.css` at the
 * end of a template, or `css` quoted in a comment, would have squeezed the code up to the next
 * backtick).
 */
function minifyCssTemplates() {
  const squeeze = (css) =>
    css
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\s+/g, ' ')
      .replace(/\s*([{};,>])\s*/g, '$1')
      // No selector has white space after a colon ("a :hover" has it before), so this only tightens
      // declarations and media features.
      .replace(/:\s+/g, ':')
      .replace(/;}/g, '}');
  return {
    name: 'upscope-minify-css-templates',
    transform(code, id) {
      if (!/[\\/]src[\\/].*\.ts$/.test(id) || !code.includes('css`')) return null;
      return {
        code: code.replace(/(?<![\w.$`'"])css`([^`]*)`/g, (all, body) => {
          const parts = body.split(/(\$\{\s*[A-Za-z_$][\w$]*\s*\})/);
          if (parts.some((part, i) => i % 2 === 0 && part.includes('${'))) return all;
          return `css\`${parts.map((part, i) => (i % 2 ? part.replace(/\s+/g, '') : squeeze(part))).join('').trim()}\``;
        }),
        map: null,
      };
    },
  };
}

/**
 * The visitor bundles load the widget's panels from dist/upscope-panels.js and the assist engine
 * from dist/upscope-assist.js at run time (panels-loader.ts, assist-loader.ts): the source's own
 * `import()` of those modules stays out of them.
 */
function panelsApart() {
  const apart = { [PANELS_MODULE]: './upscope-panels.js', [ASSIST_MODULE]: './upscope-assist.js' };
  return {
    name: 'upscope-panels-apart',
    resolveDynamicImport(specifier) {
      return typeof specifier === 'string' && Object.hasOwn(apart, specifier) ? { id: apart[specifier], external: true } : null;
    },
  };
}

/**
 * The panels bundle renders with the visitor bundle's lit: its `lit` is lit-shim.ts (template tags
 * and markers only). Anything else imported from 'lit' there fails the build, as it should.
 */
function litFromWidget() {
  return {
    name: 'upscope-lit-from-widget',
    resolveId(source) {
      return source === 'lit' ? LIT_SHIM : null;
    },
  };
}

const plugins = (extra = {}) => [
  nodeResolve({ browser: true, exportConditions: ['browser', 'production'] }),
  litTrustedTypes(),
  slimReconnectingSocket(),
  minifyCssTemplates(),
  esbuild({ target: 'es2022', sourceMap: true, tsconfig: 'tsconfig.json' }),
  // Minified as whole chunks, after rollup has shaken them: minifying each module first (the
  // plugin's own `minify` option) strips the `@__PURE__` marks rollup needs to drop unused schemas.
  minify({ target: 'es2022', sourceMap: true, ...extra }),
];

/**
 * The two visitor bundles rename properties that start with `_` and a letter (partysocket's
 * private members; lit's `_$` ones stay, as other copies of lit read them). `_pk` is the query
 * parameter relay-socket.ts sends. Each bundle is minified alone, so no such property may cross
 * into the lazily loaded bundles: {@link noRenamedPropsAcross} fails their build if one does.
 */
const VISITOR_MINIFY = { mangleProps: /^_[A-Za-z]/, reserveProps: /^_pk$/ };

/** Fails the build of a bundle the visitor bundles load if it reads or makes a `_name` property. */
function noRenamedPropsAcross() {
  return {
    name: 'upscope-no-renamed-props-across',
    renderChunk(code, chunk) {
      // Not after `..`: a spread of a minified local named `_x` (`..._r(e)`) is no property.
      const found = /(?<!\.\.)\._[A-Za-z]\w*|[{,]_[A-Za-z]\w*:/.exec(code);
      if (found) this.error(`${chunk.fileName} uses the property ${found[0]}, which the visitor bundles rename (VISITOR_MINIFY in rollup.config.mjs)`);
      return null;
    },
  };
}

/**
 * A second minifier over the two visitor bundles, the script every visitor of every page loads:
 * terser's extra passes fold what esbuild leaves (about 0.8 KB of the 25 KB gzip budget).
 * Licence comments stay. The lazily loaded bundles keep esbuild alone, which builds faster.
 */
function squeezeVisitorBundle() {
  return {
    name: 'upscope-squeeze-visitor-bundle',
    async renderChunk(code, chunk, options) {
      const out = await terserMinify(code, {
        module: options.format === 'es',
        ecma: 2020,
        compress: { passes: 2 },
        format: { comments: /@license|@preserve|^!/ },
        sourceMap: true,
      });
      return { code: out.code, map: out.map };
    },
  };
}

/** @type {import('rollup').RollupOptions[]} */
export default [
  {
    input: 'src/visitor/bundle.ts',
    output: { file: 'dist/upscope.js', format: 'es', sourcemap: true },
    plugins: [panelsApart(), ...plugins(VISITOR_MINIFY), squeezeVisitorBundle()],
  },
  {
    input: 'src/visitor/bundle-iife.ts',
    output: { file: 'dist/upscope.iife.js', format: 'iife', sourcemap: true },
    plugins: [panelsApart(), ...plugins(VISITOR_MINIFY), squeezeVisitorBundle()],
  },
  {
    input: 'src/visitor/elements/upscope-widget/upscope-widget.panels.ts',
    output: { file: 'dist/upscope-panels.js', format: 'es', sourcemap: true },
    plugins: [litFromWidget(), ...plugins(), noRenamedPropsAcross()],
  },
  {
    input: 'src/visitor/assist-bundle.ts',
    output: { file: 'dist/upscope-assist.js', format: 'es', sourcemap: true },
    plugins: [...plugins(), noRenamedPropsAcross()],
  },
  {
    input: 'src/capture/bundle.ts',
    output: { file: 'dist/upscope-capture.js', format: 'es', sourcemap: true },
    plugins: [...plugins(), noRenamedPropsAcross()],
  },
  {
    input: 'src/agent/bundle.ts',
    output: { file: 'dist/upscope-agent.js', format: 'es', sourcemap: true },
    plugins: plugins(),
  },
];
