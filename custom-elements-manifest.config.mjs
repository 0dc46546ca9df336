// `npm run manifest` writes custom-elements.json at the package root from the elements' JSDoc
// (@tag, @summary, @fires, @csspart, @cssprop, @slot); never edit the JSON by hand.
export default {
  globs: ['src/visitor/elements/**/*.ts', 'src/agent/**/*.ts'],
  exclude: [
    '**/*.test.ts',
    '**/*.spec.ts',
    '**/*.styles.ts',
    '**/*.d.ts',
    // define.ts registers tags in a guarded loop, which the analyzer misreads as a literal tag
    // named "tag"; tag names come from each class's `@tag` JSDoc instead.
    '**/define.ts',
    '**/bundle.ts',
  ],
  outdir: '.',
  litelement: true,
  // package.json already declares "customElements"; don't let the analyzer rewrite the file.
  packagejson: false,
  plugins: [
    {
      // The analyzer reads files concurrently, so its module order changes from run to run; CI
      // compares the committed file with a fresh build, so the order must not.
      name: 'stable-module-order',
      packageLinkPhase({ customElementsManifest }) {
        customElementsManifest.modules.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      },
    },
  ],
};
