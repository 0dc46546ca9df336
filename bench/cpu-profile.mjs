// What the profiling scripts (profile-change.mjs, redteam-fid26-profile.mjs) read from a CPU profile.

/** Self and inclusive sampled ms per function (name:line) of a CPU profile. */
export function functions(profile) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const incl = new Map();
  const name = (n) => `${n.callFrame.functionName || '(anon)'}${n.callFrame.url ? `:${n.callFrame.lineNumber + 1}` : ''}`;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const n = nodes.get(profile.samples[i]);
    self.set(name(n), (self.get(name(n)) ?? 0) + dt);
    const seen = new Set();
    for (let id = n.id; id !== undefined; id = parent.get(id)) {
      const k = name(nodes.get(id));
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + dt);
    }
  }
  return { self, incl };
}
