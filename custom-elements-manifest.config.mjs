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
    // The widget's lazily loaded panels and their loader: modules, not elements.
    '**/upscope-widget.panels.ts',
    '**/upscope-widget.panel-styles.ts',
    '**/upscope-widget.launcher-strings.ts',
    '**/panels-loader.ts',
    '**/lit-shim.ts',
  ],
  outdir: '.',
  litelement: true,
  // package.json already declares "customElements"; don't let the analyzer rewrite the file.
  packagejson: false,
  plugins: [
    {
      // Members marked `@internal` (the widget's state that its lazily loaded panels read) are not
      // API: the analyzer drops them itself, except reactive state it also finds in `static properties`.
      name: 'drop-internal-members',
      analyzePhase({ ts, node, moduleDoc }) {
        if (!ts.isClassDeclaration(node) || !node.name) return;
        const internal = new Set(
          node.members.filter((m) => m.name && ts.getJSDocTags(m).some((t) => t.tagName.text === 'internal')).map((m) => m.name.getText()),
        );
        (moduleDoc.internalMembers ??= {})[node.name.getText()] = internal;
      },
      moduleLinkPhase({ moduleDoc }) {
        for (const d of moduleDoc.declarations ?? []) {
          const internal = moduleDoc.internalMembers?.[d.name];
          if (internal && d.members) d.members = d.members.filter((m) => !internal.has(m.name));
        }
        delete moduleDoc.internalMembers;
      },
    },
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
