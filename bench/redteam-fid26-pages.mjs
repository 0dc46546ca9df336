// rt26's red-team pages (bench/redteam-fid.mjs): small pages in the shapes of third-party sites
// (utility-class frameworks, docs sites, shops, RTL and CJK text, new CSS, form controls, charts).
// No network: fonts are data: URLs of installed files, images are inline SVG.
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const para = (n, seed = 0) => Array.from({ length: n }, (_, i) => `Sentence ${i + seed} of a paragraph that wraps over several lines like real copy does.`).join(' ');
const svgPhoto = (hue, w = 320, h = 200) => `data:image/svg+xml;utf8,${encodeURIComponent(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 320 200" preserveAspectRatio="none"><defs><linearGradient id="g" x2="0" y2="1"><stop offset="0" stop-color="hsl(${hue} 70% 75%)"/><stop offset="1" stop-color="hsl(${hue} 60% 40%)"/></linearGradient></defs><rect width="320" height="200" fill="url(#g)"/><circle cx="240" cy="60" r="30" fill="hsl(${(hue + 40) % 360} 90% 85%)"/><path d="M0 200 L90 110 L160 170 L230 90 L320 200 Z" fill="hsl(${hue} 40% 25%)"/></svg>`)}`;
const b64 = (file) => readFileSync(file).toString('base64');
const codiconFile = (() => {
  const dir = join(dirname(createRequire(import.meta.url).resolve('playwright-core/package.json')), 'lib', 'vite', 'recorder', 'assets');
  return join(dir, readdirSync(dir).find((f) => /^codicon.*\.ttf$/.test(f)));
})();
const ICONS = `data:font/ttf;base64,${b64(codiconFile)}`;
const NARROW = `data:font/ttf;base64,${b64('/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Regular.ttf')}`;
const MONO = `data:font/ttf;base64,${b64('/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf')}`;

/** A page of the red teams' sets (fid30's too): `root` is what the `<html>` tag carries besides its lang. */
export function page(name, css, body, root = '') {
  return { name, html: `<!doctype html><html lang="en"${root}><head><meta charset="utf-8"><title>${name}</title><style>
  body { margin: 0; font: 16px/1.5 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif; color: #1e293b; }
  #bench-tick { position: fixed; right: 4px; bottom: 4px; font: 10px monospace; color: #94a3b8; }
  ${css}</style></head><body>${body}<span id="bench-tick">0</span></body></html>` };
}
export const rep = (n, f) => Array.from({ length: n }, (_, i) => f(i)).join('');
export const long = (seed = 0) => rep(6, (i) => `<p>${para(4, i + seed)}</p>`);

export const PAGES = [
  page('tw-ring', `.c { display: inline-block; margin: 16px; padding: 12px 20px; border-radius: 8px; background: #fff; box-shadow: 0 0 0 2px #fff, 0 0 0 4px rgb(99 102 241), 0 10px 15px -3px rgb(0 0 0 / .1); }
    .c.o { outline: 2px dashed rgb(236 72 153); outline-offset: 3px; } .grid { padding: 20px; background: #f1f5f9; }`,
    `<div class="grid">${rep(40, (i) => `<span class="c ${i % 3 ? '' : 'o'}">Button ${i}</span>`)}</div>${long()}`),
  page('tw-divide', `.list > * + * { border-top: 1px solid rgb(226 232 240); } .list { margin: 20px; border: 1px solid #cbd5e1; border-radius: 12px; }
    .list > div { padding: 12px 16px; display: flex; gap: 12px; } .row > * + * { margin-left: 1.5rem; } .row { display: flex; padding: 12px; }
    .dy > :not([hidden]) ~ :not([hidden]) { border-top-width: 2px; border-color: rgb(203 213 225); border-style: dotted; }`,
    `<div class="row">${rep(8, (i) => `<span>Item ${i}</span>`)}</div><div class="list dy">${rep(30, (i) => `<div><b>Row ${i}</b><span>${para(1, i)}</span></div>`)}</div>`),
  page('tw-gradient-via', `.g { height: 120px; margin: 12px; border-radius: 12px; }
    .a { background-image: linear-gradient(to right, rgb(99 102 241) 0%, rgb(168 85 247) 50%, rgb(236 72 153) 100%); }
    .b { background: linear-gradient(in oklch to right, oklch(70% 0.2 30), oklch(70% 0.2 250)); }
    .c { background: radial-gradient(circle at 30% 40%, rgb(250 204 21), transparent 60%), conic-gradient(from 45deg, red, yellow, lime, aqua, blue, magenta, red); }
    .d { background: repeating-linear-gradient(45deg, #e2e8f0 0 10px, #fff 10px 20px); }
    .t { font-size: 48px; font-weight: 800; background: linear-gradient(90deg, #0ea5e9, #a855f7); -webkit-background-clip: text; background-clip: text; color: transparent; margin: 12px; }`,
    `<div class="t">Gradient text headline</div>${rep(3, () => '<div class="g a"></div><div class="g b"></div><div class="g c"></div><div class="g d"></div>')}`),
  page('tw-backdrop-blur', `.bg { background: url("${svgPhoto(30)}") center/cover; padding: 40px; } .nav { position: sticky; top: 0; backdrop-filter: blur(8px); background: rgb(255 255 255 / .6); padding: 14px 20px; z-index: 2; border-bottom: 1px solid rgb(0 0 0 / .1); }
    .card { margin: 20px 0; padding: 20px; background: rgb(255 255 255 / .8); border-radius: 12px; }`,
    `<div class="nav">Sticky nav with blur</div><div class="bg">${rep(8, (i) => `<div class="card"><h3>Card ${i}</h3>${para(2, i)}</div>`)}</div>`),
  page('docs-code-lines', `pre { counter-reset: ln; background: #0f172a; color: #e2e8f0; padding: 16px 0; font: 14px/1.6 'DejaVu Sans Mono', monospace; margin: 16px; border-radius: 8px; overflow-x: auto; }
    pre span.l { display: block; padding-right: 16px; } pre span.l::before { counter-increment: ln; content: counter(ln); display: inline-block; width: 3ch; margin-right: 16px; text-align: right; color: #64748b; border-right: 1px solid #334155; padding-right: 8px; }
    .k { color: #f472b6; } .s { color: #86efac; } .hl { background: rgb(250 204 21 / .15); }`,
    `${rep(4, (b) => `<h2 style="margin:16px">Example ${b}</h2><pre>${rep(14, (i) => `<span class="l${i === 3 ? ' hl' : ''}"><span class="k">const</span> value${i} = <span class="s">"string ${i} with a rather long literal that overflows the block horizontally when the code is long enough"</span>;</span>`)}</pre>`)}`),
  page('docs-tabs-callouts', `.tabs { display: flex; border-bottom: 2px solid #e2e8f0; margin: 16px 16px 0; } .tabs button { border: 0; background: none; padding: 8px 16px; font: inherit; border-bottom: 2px solid transparent; margin-bottom: -2px; }
    .tabs button[aria-selected=true] { border-color: #6366f1; color: #4f46e5; font-weight: 600; }
    .callout { margin: 16px; padding: 12px 16px 12px 44px; border-left: 4px solid; border-radius: 4px; position: relative; }
    .callout::before { position: absolute; left: 14px; top: 12px; font-weight: 700; }
    .note { background: #eff6ff; border-color: #3b82f6; } .note::before { content: "ℹ"; color: #3b82f6; }
    .warn { background: #fffbeb; border-color: #f59e0b; } .warn::before { content: "⚠"; color: #f59e0b; }
    .danger { background: #fef2f2; border-color: #ef4444; } .danger::before { content: "✖"; color: #ef4444; }`,
    rep(6, (i) => `<div class="tabs" role="tablist"><button role="tab" aria-selected="true">npm</button><button role="tab">yarn</button><button role="tab">pnpm</button></div><pre style="margin:0 16px;background:#f8fafc;padding:12px">npm install package-${i}</pre><div class="callout ${['note', 'warn', 'danger'][i % 3]}">${para(2, i)}</div>`)),
  page('docs-math', `.math { font-family: 'DejaVu Serif', serif; font-style: italic; white-space: nowrap; } .frac { display: inline-flex; flex-direction: column; vertical-align: middle; text-align: center; font-size: 0.85em; }
    .frac > .num { border-bottom: 1px solid; padding: 0 2px; } sup, sub { font-size: 0.7em; line-height: 0; } .sqrt { border-top: 1px solid; padding-left: 2px; margin-left: 1px; }
    .vlist { display: inline-table; vertical-align: -0.5em; } .vlist > span { display: table-row; font-size: .7em; } p { margin: 16px; }`,
    rep(24, (i) => `<p>${para(1, i)} The relation <span class="math">e<sup>iπ</sup> + 1 = 0</span> and <span class="math"><span class="frac"><span class="num">a + b${i}</span><span>2c</span></span> = √<span class="sqrt">x<sup>2</sup> + y<sub>${i}</sub></span></span> and <span class="math">∑<span class="vlist"><span>n</span><span>i=0</span></span> x<sub>i</sub></span> hold.</p>`)),
  page('docs-details', `details { margin: 12px 16px; border: 1px solid #e2e8f0; border-radius: 8px; padding: 8px 12px; } summary { cursor: pointer; font-weight: 600; }
    details[open] summary { margin-bottom: 8px; } details.custom summary { list-style: none; } details.custom summary::before { content: "+ "; } details.custom[open] summary::before { content: "− "; }
    details.m summary::marker { color: #ef4444; content: "▶ "; }`,
    rep(16, (i) => `<details class="${['', 'custom', 'm'][i % 3]}" ${i % 2 ? 'open' : ''}><summary>Question ${i}</summary><p>${para(2, i)}</p></details>`)),
  page('shop-aspect-fit', `.grid { display: grid; grid-template-columns: repeat(4, 1fr); gap: 16px; padding: 16px; } .card { border: 1px solid #e2e8f0; border-radius: 8px; overflow: hidden; }
    .card img { width: 100%; aspect-ratio: 4 / 5; display: block; background: #f1f5f9; } .card:nth-child(4n+1) img { object-fit: cover; object-position: 20% 80%; }
    .card:nth-child(4n+2) img { object-fit: contain; object-position: right top; } .card:nth-child(4n+3) img { object-fit: cover; object-position: right 10px bottom 20px; } .card:nth-child(4n) img { object-fit: none; object-position: -30px 40%; }
    .card p { margin: 8px; } .price { font-weight: 700; }`,
    `<div class="grid">${rep(24, (i) => `<div class="card"><img alt="" src="${svgPhoto(i * 41 % 360, 320 + (i % 3) * 80, 200)}"><p>Product ${i}</p><p class="price">$${(i * 7.3).toFixed(2)}</p></div>`)}</div>`),
  page('shop-picture', `.grid { display: flex; flex-wrap: wrap; gap: 12px; padding: 12px; } picture img { width: 290px; height: 200px; object-fit: cover; border-radius: 6px; display: block; }
    .is { width: 290px; height: 200px; background-image: image-set(url("${svgPhoto(120)}") 1x, url("${svgPhoto(300)}") 2x); background-size: cover; border-radius: 6px; }`,
    `<div class="grid">${rep(12, (i) => `<picture><source media="(min-width: 5000px)" srcset="${svgPhoto(0)}"><source srcset="${svgPhoto(i * 30)} 1x, ${svgPhoto(i * 30 + 180)} 2x"><img alt="p" src="${svgPhoto(60)}"></picture><img alt="" style="width:290px;height:200px" srcset="${svgPhoto(i * 30 + 90, 640, 400)} 640w, ${svgPhoto(200, 320, 200)} 320w" sizes="290px"><div class="is"></div>`)}</div>`),
  page('mask-fade', `.fade { -webkit-mask-image: linear-gradient(to bottom, #000 60%, transparent); mask-image: linear-gradient(to bottom, #000 60%, transparent); max-height: 140px; overflow: hidden; margin: 16px; }
    .edge { mask-image: linear-gradient(90deg, transparent, #000 15%, #000 85%, transparent); display: flex; gap: 12px; overflow: hidden; margin: 16px; }
    .edge span { flex: none; padding: 8px 14px; background: #6366f1; color: #fff; border-radius: 999px; } .radial { mask: radial-gradient(circle, #000 50%, transparent 70%); width: 300px; height: 200px; margin: 16px; background: url("${svgPhoto(200)}"); }`,
    rep(5, (i) => `<div class="fade">${long(i)}</div><div class="edge">${rep(14, (k) => `<span>Tag ${k}</span>`)}</div><div class="radial"></div>`)),
  page('line-clamp', `.card { width: 300px; display: inline-block; vertical-align: top; margin: 10px; border: 1px solid #e2e8f0; padding: 10px; }
    .c2 { display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; } .c3 { display: -webkit-box; -webkit-line-clamp: 3; -webkit-box-orient: vertical; overflow: hidden; font-size: 14px; color: #475569; }
    .row { display: flex; gap: 8px; width: 280px; } .row .t { flex: 1; min-width: 0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; } .row b { flex: none; }`,
    rep(18, (i) => `<div class="card"><h3 class="c2">${para(1, i)} ${para(1, i + 1)}</h3><p class="c3">${para(3, i)}</p><div class="row"><span class="t">${para(1, i)}</span><b>$${i}.00</b></div></div>`)),
  page('vertical-rl', `.v { writing-mode: vertical-rl; height: 300px; border: 1px solid #cbd5e1; padding: 10px; margin: 10px; display: inline-block; vertical-align: top; }
    .vl { writing-mode: vertical-lr; } .up { writing-mode: vertical-rl; text-orientation: upright; } .side { writing-mode: sideways-rl; }
    .tcu { text-combine-upright: all; }`,
    rep(3, (i) => `<div class="v">${para(2, i)} Number <span class="tcu">${i}2</span></div><div class="v vl">${para(2, i)}</div><div class="v up">UPRIGHT ${i} TEXT</div><div class="v side">${para(1, i)}</div>`) + long()),
  page('rtl-arabic', `body { direction: rtl; } .c { max-width: 900px; margin: 20px auto; } .badge { background: #e0e7ff; padding: 2px 8px; border-radius: 4px; } ul { padding-inline-start: 24px; }
    .num { unicode-bidi: isolate; direction: ltr; }`,
    `<div class="c">${rep(12, (i) => `<h3>عنوان القسم ${i}</h3><p>هذا نص عربي يحتوي على كلمات English words و أرقام 12345 ونص مختلط (with parentheses) في نفس السطر. <span class="badge">جديد</span> السعر: <bdi>$${i}9.99</bdi> — <span class="num">+1 (555) 0${i}</span>.</p><ul><li>عنصر أول</li><li>عنصر ثاني with English</li></ul>`)}</div>`),
  page('rtl-hebrew', `html { direction: rtl; } .c { margin: 20px; } table { border-collapse: collapse; width: 100%; } td, th { border: 1px solid #cbd5e1; padding: 6px; text-align: start; }
    .ltr { direction: ltr; unicode-bidi: embed; } input { width: 200px; }`,
    `<div class="c">${rep(8, (i) => `<h3>כותרת ${i}</h3><p>זהו טקסט בעברית עם מילים באנגלית (React, TypeScript) ומספרים 3.14 ו־-42. <span class="ltr">ltr span: a → b</span> סוף.</p>`)}<input value="טקסט בשדה"><table>${rep(10, (r) => `<tr><th>שורה ${r}</th><td>ערך ${r * 3}</td><td dir="ltr">value-${r}</td></tr>`)}</table></div>`),
  page('cjk-ruby', `p { margin: 16px; font-size: 20px; } rt { font-size: 10px; color: #64748b; } .over ruby { ruby-position: under; }`,
    rep(14, (i) => `<p class="${i % 2 ? 'over' : ''}"><ruby>漢<rt>かん</rt>字<rt>じ</rt></ruby>の<ruby>練習<rp>(</rp><rt>れんしゅう</rt><rp>)</rp></ruby>です。中文文本${i}，包括标点符号。한국어 텍스트도 있습니다. <ruby>東京<rt>Tōkyō</rt></ruby> and Latin.</p>`)),
  page('emoji', `p { margin: 12px 16px; font-size: 18px; } .big { font-size: 40px; } .btn { display: inline-flex; gap: 6px; align-items: center; padding: 6px 12px; background: #f1f5f9; border-radius: 6px; margin: 4px; }`,
    rep(12, (i) => `<p>Status ✅ done, ⚠️ warning, ❤️ like ${i}, 👍🏽 👨‍👩‍👧 🇫🇷 🏳️‍🌈 — ${para(1, i)}</p><p class="big">🎉🚀✨</p><span class="btn">⭐ Star</span><span class="btn">🔔 Watch</span>`)),
  page('font-features', `@font-face { font-family: Narrow; src: url(${NARROW}) format("truetype"); } @font-face { font-family: MonoD; src: url(${MONO}) format("truetype"); }
    .n { font-family: Narrow; font-size: 20px; margin: 12px 16px; } .tn { font-variant-numeric: tabular-nums slashed-zero; font-feature-settings: "tnum", "zero"; }
    .liga { font-feature-settings: "liga" 0, "kern" 0; } .m { font-family: MonoD; font-size: 15px; margin: 12px 16px; } .sc { font-variant-caps: small-caps; } .w { font-weight: 700; font-stretch: condensed; }`,
    rep(10, (i) => `<p class="n">Narrow web font ${i}: office affine 0123456789 ${para(1, i)}</p><p class="n tn">Tabular 1111 0000 9999 ${i}</p><p class="n liga">No ligatures office fflux ${i}</p><p class="m">const x${i} = 0O0 != 1lI; // mono web font</p><p class="n sc">Small Caps Heading ${i}</p><p class="n w">Bold synth ${i}</p>`)),
  page('unicode-range', `@font-face { font-family: Mixed; src: url(${ICONS}) format("truetype"); unicode-range: U+EA60-EBFF; }
    @font-face { font-family: Mixed; src: url(${NARROW}) format("truetype"); unicode-range: U+0041-005A; }
    .x { font-family: Mixed, 'DejaVu Sans', sans-serif; font-size: 22px; margin: 10px 16px; }`,
    rep(16, (i) => `<p class="x">${String.fromCodePoint(0xea60 + i)} ABCDEF upper from narrow, lower from fallback ${i} ${String.fromCodePoint(0xea70 + i)} ${para(1, i)}</p>`)),
  page('hyphens-balance', `.col { width: 220px; display: inline-block; vertical-align: top; margin: 10px; border: 1px solid #e2e8f0; padding: 8px; }
    .h { hyphens: auto; -webkit-hyphens: auto; text-align: justify; } .b { text-wrap: balance; } .p { text-wrap: pretty; } .s { hyphens: manual; }`,
    rep(8, (i) => `<div class="col h" lang="en">Internationalization and extraordinarily incomprehensible characteristics of telecommunications infrastructure ${i}. ${para(2, i)}</div><h2 class="col b">A balanced heading that wraps over lines ${i}</h2><div class="col p">${para(2, i)}</div><div class="col s">Soft&shy;hyphen&shy;ated super&shy;cali&shy;fragi&shy;listic word ${i} ${para(1, i)}</div>`)),
  page('has-selector', `.card { border: 1px solid #e2e8f0; margin: 10px 16px; padding: 10px; border-radius: 8px; } .card:has(input:checked) { background: #ecfdf5; border-color: #10b981; }
    .card:has(> img) { display: flex; gap: 12px; } .card:has(.badge) h3 { color: #dc2626; } form:has(:invalid) .submit { opacity: .4; } li:has(+ li:hover) { color: red; }
    .card:not(:has(p)) { font-style: italic; } body:has(.card.sel) .hdr { background: #fde68a; }`,
    `<div class="hdr" style="padding:12px">Header</div><form>${rep(18, (i) => `<div class="card ${i === 5 ? 'sel' : ''}">${i % 3 === 0 ? `<img alt="" width="80" height="50" src="${svgPhoto(i * 20)}">` : ''}<label><input type="checkbox" ${i % 2 ? 'checked' : ''}> <h3 style="display:inline">Option ${i}</h3></label>${i % 4 === 1 ? '<span class="badge">!</span>' : ''}${i % 5 ? `<p>${para(1, i)}</p>` : ''}</div>`)}<input required><button class="submit">Submit</button></form>`),
  page('container-queries', `.wrap { container-type: inline-size; border: 1px dashed #94a3b8; margin: 10px; } .w1 { width: 300px; } .w2 { width: 700px; } .w3 { width: 1100px; }
    .item { display: grid; gap: 8px; padding: 8px; } @container (min-width: 500px) { .item { grid-template-columns: 120px 1fr; } .item h3 { font-size: 1.4em; } }
    @container (min-width: 900px) { .item { grid-template-columns: 200px 1fr 1fr; background: #f0f9ff; } } .item img { width: 100%; } .cq { font-size: clamp(12px, 4cqi, 28px); }
    .named { container: card / inline-size; } @container card (max-width: 400px) { .item p { color: #b91c1c; } }`,
    rep(4, (i) => ['w1', 'w2', 'w3'].map((w) => `<div class="wrap named ${w}"><div class="item"><img alt="" src="${svgPhoto(i * 50)}"><div><h3 class="cq">Container ${w} ${i}</h3><p>${para(2, i)}</p></div><p>${para(1, i)}</p></div></div>`).join(''))),
  page('layer-nesting', `@layer reset, base, components, utilities; @layer utilities { .text-red { color: #dc2626; } .p-4 { padding: 16px; } }
    @layer components { .btn { padding: 4px 8px; background: #1d4ed8; color: #fff; border-radius: 4px; &:hover { background: #000; } & + & { margin-left: 8px; } .dark & { background: #f59e0b; } } }
    @layer base { p { color: #334155; } h2 { border-bottom: 2px solid; } } @layer reset { * { margin: 0; } }
    .card { border: 1px solid #cbd5e1; margin: 12px; & h2 { color: #7c3aed; } & > p { padding: 8px; &.alt { background: #f8fafc; } } }`,
    rep(14, (i) => `<div class="card p-4 ${i % 3 === 0 ? 'dark' : ''}"><h2>Layered ${i}</h2><p class="${i % 2 ? 'alt' : ''}">${para(2, i)}</p><p class="text-red">Utility wins</p><span class="btn">One</span><span class="btn">Two</span></div>`)),
  page('color-fns', `:root { color-scheme: light; --brand: oklch(62% 0.19 260); } .s { display: inline-block; width: 140px; height: 60px; margin: 6px; border-radius: 8px; color: #fff; padding: 4px; font-size: 12px; }
    .a { background: color-mix(in srgb, var(--brand) 60%, white); } .b { background: color-mix(in oklch, red, blue); } .c { background: oklch(70% 0.15 150); } .d { background: lab(60% 40 -30); }
    .e { background: light-dark(#0ea5e9, #111827); color: light-dark(#000, #fff); } .f { background: hsl(from var(--brand) calc(h + 90) s l); } .g { background: color(display-p3 1 0.5 0); } .h { background: oklch(from #22c55e l c calc(h - 60)); }
    .dk { color-scheme: dark; padding: 10px; } .bd { border: 4px solid color-mix(in srgb, currentColor 30%, transparent); }`,
    rep(6, (i) => `<div>${['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((k) => `<span class="s ${k} bd">${k} ${i}</span>`).join('')}</div><div class="dk">${['e', 'a'].map((k) => `<span class="s ${k}">dark ${k}</span>`).join('')}</div>`) + long()),
  page('subgrid', `.grid { display: grid; grid-template-columns: repeat(3, 1fr); gap: 16px; padding: 16px; } .card { display: grid; grid-row: span 3; grid-template-rows: subgrid; gap: 8px; border: 1px solid #cbd5e1; padding: 8px; border-radius: 8px; }
    .form { display: grid; grid-template-columns: max-content 1fr; gap: 8px; padding: 16px; } .form .f { display: grid; grid-column: span 2; grid-template-columns: subgrid; }`,
    `<div class="grid">${rep(12, (i) => `<div class="card"><h3 style="margin:0">Title ${i}${i % 3 === 1 ? ' that is quite long and wraps' : ''}</h3><p style="margin:0">${para(1 + (i % 3), i)}</p><a href="#">Read more</a></div>`)}</div><div class="form">${rep(8, (i) => `<div class="f"><label>Field label ${'x'.repeat(i)}</label><input value="v${i}"></div>`)}</div>`),
  page('anchor-tooltip', `.t { anchor-name: --a; display: inline-block; margin: 80px 40px 10px; padding: 8px; background: #e0e7ff; } .tip { position: absolute; position-anchor: --a; bottom: anchor(top); left: anchor(center); translate: -50% -6px; background: #111827; color: #fff; padding: 4px 8px; border-radius: 4px; white-space: nowrap; }
    .t2 { anchor-name: --b; } .tip2 { position: absolute; position-anchor: --b; position-area: right span-bottom; background: #fef3c7; padding: 4px; margin-left: 6px; }`,
    `<div style="position:relative"><span class="t">Anchor</span><span class="tip">Tooltip above</span><span class="t t2">Second</span><span class="tip2">Area right</span></div>${long()}`),
  page('snap-carousel', `.car { display: flex; gap: 12px; overflow-x: auto; scroll-snap-type: x mandatory; padding: 12px; margin: 12px; scrollbar-width: none; }
    .car > div { flex: 0 0 300px; height: 180px; scroll-snap-align: start; border-radius: 12px; background-size: cover; color: #fff; padding: 10px; font-weight: 700; }
    .v { height: 300px; overflow-y: scroll; scroll-snap-type: y mandatory; margin: 12px; border: 1px solid #cbd5e1; } .v > div { height: 300px; scroll-snap-align: start; display: grid; place-items: center; font-size: 30px; }`,
    rep(3, (c) => `<div class="car" id="car${c}">${rep(10, (i) => `<div style="background-image:url('${svgPhoto(i * 33 + c * 90)}')">Slide ${i}</div>`)}</div>`) + `<div class="v" id="vs">${rep(6, (i) => `<div style="background:hsl(${i * 50} 70% 85%)">Panel ${i}</div>`)}</div>${long()}
    <script>for (const [i, el] of [...document.querySelectorAll('.car')].entries()) el.scrollLeft = 312 * (i + 1); document.getElementById('vs').scrollTop = 600;</script>`),
  page('sticky-table-box', `.box { height: 360px; overflow: auto; margin: 16px; border: 1px solid #cbd5e1; } table { border-collapse: separate; border-spacing: 0; width: 1600px; }
    th { position: sticky; top: 0; background: #f1f5f9; border-bottom: 2px solid #94a3b8; z-index: 1; } th, td { padding: 6px 10px; text-align: left; white-space: nowrap; border-bottom: 1px solid #e2e8f0; }
    td:first-child, th:first-child { position: sticky; left: 0; background: #fff; border-right: 1px solid #cbd5e1; } th:first-child { z-index: 2; background: #e2e8f0; }`,
    `<div class="box" id="tb"><table><thead><tr>${rep(12, (c) => `<th>Column ${c}</th>`)}</tr></thead><tbody>${rep(60, (r) => `<tr>${rep(12, (c) => `<td>Cell ${r}.${c}</td>`)}</tr>`)}</tbody></table></div>${long()}<script>const b = document.getElementById('tb'); b.scrollTop = 400; b.scrollLeft = 200;</script>`),
  page('fixed-cookie', `.banner { position: fixed; left: 16px; right: 16px; bottom: 16px; background: #111827; color: #fff; padding: 16px 20px; border-radius: 12px; display: flex; gap: 16px; align-items: center; box-shadow: 0 20px 25px -5px rgb(0 0 0 / .3); z-index: 50; }
    .banner p { flex: 1; margin: 0; } .banner button { background: #fff; color: #111827; border: 0; padding: 8px 16px; border-radius: 8px; font: inherit; } .chat { position: fixed; right: 24px; bottom: 120px; width: 56px; height: 56px; border-radius: 50%; background: #2563eb; }
    header { position: fixed; top: 0; left: 0; right: 0; height: 56px; background: rgb(255 255 255 / .9); border-bottom: 1px solid #e2e8f0; } main { padding-top: 56px; }`,
    `<header>Fixed header</header><main>${long()}${long(10)}</main><div class="chat"></div><div class="banner"><p>We use cookies. ${para(1)}</p><button>Reject</button><button>Accept all</button></div>`),
  page('dialog-popover', `dialog { border: 0; border-radius: 12px; box-shadow: 0 25px 50px -12px rgb(0 0 0 / .25); padding: 24px; width: 400px; } [popover] { border: 1px solid #cbd5e1; padding: 12px; border-radius: 8px; margin: 0; inset: auto; top: 100px; left: 700px; }`,
    `${long()}<dialog open><h2>Non-modal dialog</h2><p>${para(2)}</p><button>Close</button></dialog><div popover id="pp">A popover shown from script</div>${long(9)}<script>document.getElementById('pp').showPopover();</script>`),
  page('dialog-modal', `dialog { border: 0; border-radius: 12px; padding: 24px; width: 420px; } dialog::backdrop { background: rgb(15 23 42 / .5); }`,
    `${long()}<dialog id="d"><h2>Modal dialog</h2><p>${para(2)}</p><input value="typed"><button>OK</button></dialog>${long(7)}<script>document.getElementById('d').showModal();</script>`),
  page('forms-all', `:root { accent-color: #db2777; } .f { display: grid; grid-template-columns: 200px 300px; gap: 10px 16px; padding: 16px; align-items: center; }
    input, select, textarea, button { font: inherit; }`,
    `<div class="f">${['text', 'email', 'password', 'number', 'search', 'tel', 'url', 'date', 'time', 'datetime-local', 'month', 'week', 'color', 'range', 'file', 'checkbox', 'radio'].map((t, i) => `<label>${t}</label><input type="${t}" ${t === 'checkbox' || t === 'radio' ? 'checked' : ''} value="${{ text: 'hello', email: 'a@b.co', password: 'pw', number: '42', search: 'query', tel: '555', url: 'https://x.y', date: '2026-12-06', time: '13:45', 'datetime-local': '2026-12-06T13:45', month: '2026-12', week: '2026-W49', color: '#22c55e', range: '30' }[t] ?? ''}">`).join('')}
    <label>meter</label><meter min="0" max="100" low="30" high="70" optimum="80" value="55"></meter><label>meter low</label><meter value="0.2"></meter><label>progress</label><progress max="100" value="62"></progress><label>progress ind.</label><progress></progress>
    <label>select</label><select><option>One</option><option selected>Two</option></select><label>multi</label><select multiple size="3"><option>A</option><option selected>B</option><option>C</option></select>
    <label>textarea</label><textarea rows="3">Some text\nsecond line</textarea><label>button</label><button>Button</button><label>disabled</label><input disabled value="disabled"></div>${long()}`),
  page('forms-appearance-none', `.f { padding: 16px; display: flex; flex-direction: column; gap: 14px; width: 420px; } input[type=range] { appearance: none; height: 6px; background: linear-gradient(90deg, #6366f1 40%, #e2e8f0 40%); border-radius: 3px; }
    input[type=range]::-webkit-slider-thumb { appearance: none; width: 18px; height: 18px; border-radius: 50%; background: #fff; border: 2px solid #6366f1; }
    input[type=checkbox] { appearance: none; width: 20px; height: 20px; border: 2px solid #94a3b8; border-radius: 4px; display: inline-grid; place-content: center; } input[type=checkbox]:checked { background: #6366f1; border-color: #6366f1; } input[type=checkbox]:checked::before { content: ""; width: 10px; height: 10px; background: #fff; clip-path: polygon(14% 44%, 0 65%, 50% 100%, 100% 16%, 80% 0%, 43% 62%); }
    select { appearance: none; padding: 8px 32px 8px 12px; border: 1px solid #cbd5e1; border-radius: 8px; background: #fff url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='12' height='8'%3E%3Cpath d='M1 1l5 5 5-5' stroke='%23475569' fill='none' stroke-width='2'/%3E%3C/svg%3E") no-repeat right 12px center; font: inherit; }
    progress { appearance: none; height: 10px; width: 100%; } progress::-webkit-progress-bar { background: #e2e8f0; border-radius: 5px; } progress::-webkit-progress-value { background: #10b981; border-radius: 5px; }
    input[type=color] { appearance: none; width: 48px; height: 32px; border: 0; padding: 0; } input[type=color]::-webkit-color-swatch-wrapper { padding: 0; } input[type=color]::-webkit-color-swatch { border: 0; border-radius: 6px; }
    input[type=file]::file-selector-button { background: #6366f1; color: #fff; border: 0; padding: 6px 12px; border-radius: 6px; margin-right: 12px; } input[type=radio] { appearance: none; width: 18px; height: 18px; border: 2px solid #94a3b8; border-radius: 50%; } input[type=radio]:checked { border: 6px solid #6366f1; }
    .toggle { appearance: none; width: 44px; height: 24px; background: #cbd5e1; border-radius: 12px; position: relative; } .toggle:checked { background: #22c55e; }`,
    `<div class="f">${rep(3, (i) => `<input type="range" value="40"><label><input type="checkbox" ${i % 2 ? '' : 'checked'}> Check ${i}</label><label><input type="radio" name="r${i}" checked> Radio</label><select><option>Option ${i}</option></select><progress value="${30 + i * 20}" max="100"></progress><input type="color" value="#f43f5e"><input type="file"><input type="checkbox" class="toggle" ${i % 2 ? 'checked' : ''}>`)}</div>${long()}`),
  page('canvas-chart', `.charts { display: grid; grid-template-columns: repeat(2, 1fr); gap: 16px; padding: 16px; } canvas { width: 100%; height: 260px; border: 1px solid #e2e8f0; border-radius: 8px; }`,
    `<div class="charts">${rep(6, (i) => `<canvas data-i="${i}"></canvas>`)}</div>${long()}
    <script>for (const c of document.querySelectorAll('canvas')) { const r = c.getBoundingClientRect(); c.width = r.width * devicePixelRatio; c.height = r.height * devicePixelRatio; const g = c.getContext('2d'); g.scale(devicePixelRatio, devicePixelRatio); const i = +c.dataset.i;
      g.strokeStyle = '#e2e8f0'; for (let y = 20; y < 260; y += 40) { g.beginPath(); g.moveTo(30, y + .5); g.lineTo(r.width, y + .5); g.stroke(); }
      g.fillStyle = '#64748b'; g.font = '11px sans-serif'; for (let k = 0; k < 6; k++) g.fillText(String(k * 20), 4, 244 - k * 40);
      if (i % 2) { g.beginPath(); g.strokeStyle = 'hsl(' + i * 60 + ' 70% 50%)'; g.lineWidth = 2; for (let x = 0; x < 30; x++) g.lineTo(30 + x * (r.width - 40) / 29, 130 + 80 * Math.sin(x / 3 + i)); g.stroke(); }
      else for (let x = 0; x < 12; x++) { g.fillStyle = 'hsl(' + (x * 30) + ' 70% 60%)'; const h = 40 + 160 * Math.abs(Math.sin(x + i)); g.fillRect(40 + x * (r.width - 50) / 12, 240 - h, (r.width - 50) / 12 - 6, h); } }</script>`),
  page('svg-icons', `.icons { display: flex; flex-wrap: wrap; gap: 16px; padding: 16px; } .i { width: 32px; height: 32px; } .btn { display: inline-flex; gap: 6px; align-items: center; padding: 8px 12px; border-radius: 6px; background: #1e293b; color: #f8fafc; }
    .btn:nth-child(3n) { color: #f43f5e; background: #fff1f2; } .btn svg { width: 18px; height: 18px; } .stroke { fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; }`,
    `<svg style="display:none"><symbol id="s-star" viewBox="0 0 24 24"><path d="M12 2l3 7h7l-5.5 4.5 2 7.5L12 17l-6.5 4 2-7.5L2 9h7z" fill="currentColor"/></symbol><symbol id="s-check" viewBox="0 0 24 24"><path class="stroke" d="M4 12l5 5L20 6"/></symbol><symbol id="s-gear" viewBox="0 0 24 24"><circle cx="12" cy="12" r="4" class="stroke"/><path class="stroke" d="M12 2v3M12 19v3M2 12h3M19 12h3M5 5l2 2M17 17l2 2M5 19l2-2M17 7l2-2"/></symbol></svg>
    <div class="icons">${rep(36, (i) => `<span class="btn"><svg viewBox="0 0 24 24"><use href="#s-${['star', 'check', 'gear'][i % 3]}"/></svg>Action ${i}</span>`)}</div><div class="icons">${rep(24, (i) => `<svg class="i" viewBox="0 0 24 24" style="color:hsl(${i * 15} 70% 45%)"><path class="stroke" d="M3 12h18M12 3v18"/><circle cx="12" cy="12" r="9" class="stroke"/></svg>`)}</div>${long()}`),
  page('iframe-same', `iframe { width: 600px; height: 300px; border: 1px solid #cbd5e1; margin: 12px; display: block; }`,
    `${rep(3, (i) => `<iframe srcdoc="<style>body{font:15px sans-serif;margin:12px;background:hsl(${i * 70} 60% 95%)}</style><h2>Frame ${i}</h2><p>${para(6, i)}</p><button>Inside</button>"></iframe>`)}${long()}`),
  page('tw-space-flex', `.stack > * + * { margin-top: 12px; } .hs { display: flex; } .hs > * + * { margin-inline-start: 16px; } .chip { padding: 4px 10px; border-radius: 999px; background: #f1f5f9; border: 1px solid #e2e8f0; font-size: 14px; }
    .truncate { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; } .avatar { width: 40px; height: 40px; border-radius: 50%; flex: none; background: linear-gradient(135deg, #f472b6, #6366f1); box-shadow: 0 0 0 3px #fff, 0 0 0 5px #a5b4fc; }
    .pile { display: flex; } .pile > * + * { margin-left: -12px; } .row { display: flex; gap: 12px; align-items: center; padding: 10px; border-radius: 10px; } .row:nth-child(odd) { background: #f8fafc; } .row > div { min-width: 0; flex: 1; }`,
    `<div class="stack" style="padding:16px">${rep(20, (i) => `<div class="row"><span class="pile">${rep(4, () => '<span class="avatar"></span>')}</span><div><div class="truncate"><b>Person ${i}</b> — ${para(2, i)}</div><div class="hs">${rep(4, (k) => `<span class="chip">tag${k}</span>`)}</div></div></div>`)}</div>`),
  page('tw-transforms', `.g { display: grid; grid-template-columns: repeat(5, 1fr); gap: 24px; padding: 30px; } .b { height: 100px; border-radius: 12px; background: linear-gradient(135deg, #38bdf8, #818cf8); color: #fff; display: grid; place-items: center; }
    .r { rotate: 6deg; } .s { scale: 0.9; } .t { translate: 10px 8px; } .sk { transform: skewX(-8deg); } .p { transform: perspective(400px) rotateY(20deg); } .m { transform: matrix(1, .1, -.1, 1, 0, 0); }`,
    `<div class="g">${rep(40, (i) => `<div class="b ${['r', 's', 't', 'sk', 'p', 'm', ''][i % 7]}">Box ${i}</div>`)}</div>`),
  page('tw-shadows-rings', `.g { display: grid; grid-template-columns: repeat(4, 1fr); gap: 24px; padding: 24px; background: #f8fafc; } .c { background: #fff; border-radius: 16px; padding: 18px; }
    .s1 { box-shadow: 0 1px 3px 0 rgb(0 0 0 / .1), 0 1px 2px -1px rgb(0 0 0 / .1); } .s2 { box-shadow: 0 25px 50px -12px rgb(0 0 0 / .25); } .s3 { box-shadow: inset 0 2px 4px 0 rgb(0 0 0 / .05), 0 0 0 1px rgb(15 23 42 / .05); }
    .s4 { box-shadow: 0 10px 15px -3px rgb(99 102 241 / .4); filter: drop-shadow(0 4px 3px rgb(0 0 0 / .07)); }`,
    `<div class="g">${rep(32, (i) => `<div class="c s${(i % 4) + 1}"><h4 style="margin:0">Card ${i}</h4><p>${para(1, i)}</p></div>`)}</div>`),
  page('docs-sidebar-toc', `.layout { display: grid; grid-template-columns: 240px 1fr 200px; } .side { position: sticky; top: 0; height: 100vh; overflow: auto; border-right: 1px solid #e2e8f0; padding: 12px; font-size: 14px; }
    .side a { display: block; padding: 3px 8px; color: #475569; text-decoration: none; border-radius: 4px; } .side a.on { background: #eef2ff; color: #4338ca; font-weight: 600; } .toc { position: sticky; top: 20px; align-self: start; font-size: 13px; padding: 12px; border-left: 1px solid #e2e8f0; }
    main { padding: 20px 32px; min-width: 0; } kbd { border: 1px solid #cbd5e1; border-bottom-width: 2px; border-radius: 4px; padding: 0 4px; font-size: .85em; } code { background: #f1f5f9; padding: 2px 4px; border-radius: 4px; font-size: .9em; }`,
    `<div class="layout"><nav class="side">${rep(60, (i) => `<a class="${i === 7 ? 'on' : ''}" href="#">Guide page ${i}</a>`)}</nav><main>${rep(10, (i) => `<h2 id="h${i}">Section ${i}</h2><p>Press <kbd>Ctrl</kbd>+<kbd>K</kbd> to search. Use <code>config.option${i}</code> to ${para(3, i)}</p>`)}</main><aside class="toc">${rep(10, (i) => `<div>Section ${i}</div>`)}</aside></div>`),
  page('news-columns-float', `.article { columns: 2; column-gap: 32px; max-width: 1000px; margin: 20px auto; } .article p:first-of-type::first-letter { float: left; font-size: 64px; line-height: .8; margin: 6px 8px 0 0; font-weight: 700; color: #b91c1c; }
    .pull { font-size: 22px; font-style: italic; border-top: 3px solid; border-bottom: 3px solid; padding: 8px 0; margin: 12px 0; break-inside: avoid; } figure { margin: 0 0 12px; break-inside: avoid; } figure img { width: 100%; }`,
    `<div class="article"><p>${para(5)}</p><figure><img alt="" src="${svgPhoto(10)}"><figcaption>Caption</figcaption></figure>${rep(6, (i) => `<p>${para(4, i)}</p>`)}<div class="pull">“A pull quote in the middle of the columns.”</div>${rep(8, (i) => `<p>${para(4, i + 9)}</p>`)}</div>`),
  page('shape-outside-clip', `.w { max-width: 900px; margin: 20px auto; } .circle { float: left; width: 200px; height: 200px; shape-outside: circle(50%); clip-path: circle(50%); background: url("${svgPhoto(180)}") center/cover; margin-right: 16px; }
    .poly { float: right; width: 220px; height: 260px; shape-outside: polygon(0 0, 100% 0, 100% 100%, 40% 100%); clip-path: polygon(0 0, 100% 0, 100% 100%, 40% 100%); background: #fbbf24; }`,
    `<div class="w">${rep(4, (i) => `<div class="circle"></div><p>${para(6, i)}</p><div class="poly"></div><p>${para(6, i + 10)}</p>`)}</div>`),
  page('text-decoration', `p { margin: 10px 16px; } .u1 { text-decoration: underline wavy #ef4444 2px; text-underline-offset: 4px; } .u2 { text-decoration: underline dotted; text-decoration-thickness: 3px; } .u3 { text-decoration: line-through double #0ea5e9; }
    .u4 { text-decoration: overline underline; text-decoration-color: #a855f7; text-underline-position: under; } .u5 { text-shadow: 0 1px 0 #fff, 0 0 8px rgb(59 130 246 / .7); font-size: 24px; } .u6 { -webkit-text-stroke: 1px #0f172a; color: transparent; font-size: 36px; font-weight: 800; }
    .u7 { text-emphasis: filled circle #ef4444; } .u8 { letter-spacing: .2em; word-spacing: .5em; text-transform: uppercase; } .u9 { font-variant: small-caps; text-indent: 3em; }`,
    rep(10, (i) => `<p class="u${(i % 9) + 1}">Decorated text ${i}: ${para(1, i)}</p><p class="u${((i + 4) % 9) + 1}">${para(2, i)}</p>`)),
  page('lists-counters', `ol.custom { counter-reset: s; list-style: none; } ol.custom > li { counter-increment: s; position: relative; padding-left: 32px; margin: 6px 0; } ol.custom > li::before { content: counter(s, decimal-leading-zero); position: absolute; left: 0; color: #6366f1; font-weight: 700; }
    ul.check { list-style: "✓ "; } ul.img { list-style-image: url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='10' height='10'%3E%3Crect width='10' height='10' fill='%23f43f5e'/%3E%3C/svg%3E"); } ol.roman { list-style: upper-roman inside; } ol.alpha { list-style: lower-greek; }
    @counter-style thumbs { system: cyclic; symbols: "👉"; suffix: " "; } ul.th { list-style: thumbs; } li::marker { color: #0ea5e9; }`,
    rep(4, (i) => `<ol class="custom">${rep(5, (k) => `<li>${para(1, k + i)}</li>`)}</ol><ul class="check">${rep(4, (k) => `<li>Checked ${k}</li>`)}</ul><ul class="img">${rep(3, (k) => `<li>Image ${k}</li>`)}</ul><ol class="roman" start="4">${rep(3, (k) => `<li>Roman ${k}</li>`)}</ol><ol class="alpha">${rep(3, (k) => `<li>Greek ${k}</li>`)}</ol><ul class="th">${rep(3, (k) => `<li>Thumb ${k}</li>`)}</ul>`)),
  page('scrolled-panes-app', `body { height: 100vh; display: grid; grid-template-columns: 260px 1fr; grid-template-rows: 56px 1fr; overflow: hidden; } header { grid-column: span 2; background: #0f172a; color: #fff; padding: 16px; }
    nav { overflow-y: auto; border-right: 1px solid #e2e8f0; } nav div { padding: 8px 16px; } main { overflow-y: auto; padding: 0 24px; } .msg { display: flex; gap: 12px; padding: 10px 0; border-bottom: 1px solid #f1f5f9; } .av { width: 36px; height: 36px; border-radius: 8px; flex: none; }`,
    `<header>Chat app</header><nav>${rep(80, (i) => `<div># channel-${i}</div>`)}</nav><main>${rep(80, (i) => `<div class="msg"><span class="av" style="background:hsl(${i * 29} 60% 60%)"></span><div><b>User ${i % 7}</b> <small>12:${String(i % 60).padStart(2, '0')}</small><div>${para(1 + (i % 2), i)}</div></div></div>`)}</main>`),
  page('filters-blend', `.g { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; padding: 12px; } .g img { width: 100%; display: block; } .f1 { filter: grayscale(1); } .f2 { filter: sepia(.8) contrast(1.2); } .f3 { filter: blur(2px); } .f4 { filter: hue-rotate(90deg) saturate(2); }
    .bl { mix-blend-mode: multiply; } .hero { background: url("${svgPhoto(260)}") center/cover, #f97316; background-blend-mode: screen; height: 200px; margin: 12px; color: #fff; font-size: 40px; padding: 20px; } .iso { isolation: isolate; }`,
    `<div class="hero">Blended hero</div><div class="g">${rep(24, (i) => `<div class="iso" style="background:hsl(${i * 20} 80% 60%)"><img class="f${(i % 4) + 1} ${i % 5 === 0 ? 'bl' : ''}" alt="" src="${svgPhoto(i * 15)}"></div>`)}</div>`),
  page('pseudo-content', `.q::before { content: open-quote; font-size: 2em; color: #94a3b8; } .q::after { content: close-quote; } .q { quotes: "«" "»"; margin: 16px; }
    a[href]::after { content: " (" attr(href) ")"; color: #64748b; font-size: .85em; } .req::after { content: " *"; color: #dc2626; } .tag::before { content: "#"; opacity: .5; }
    .counter { counter-reset: c 5; } .counter span::before { counter-increment: c -1; content: counter(c) ". "; } .img::before { content: url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='14' height='14'%3E%3Ccircle cx='7' cy='7' r='6' fill='%2322c55e'/%3E%3C/svg%3E"); margin-right: 6px; }`,
    rep(10, (i) => `<p class="q">${para(1, i)}</p><p>See <a href="https://example.com/${i}">the link</a>. <label class="req">Name</label> <span class="tag">topic${i}</span></p><div class="counter">${rep(4, () => '<span>item </span>')}</div><p class="img">Online ${i}</p>`)),
  page('table-styled', `table { border-collapse: collapse; width: calc(100% - 32px); margin: 16px; font-size: 14px; } thead th { background: #0f172a; color: #fff; text-align: left; padding: 10px; } td { padding: 8px 10px; border-bottom: 1px solid #e2e8f0; }
    tbody tr:nth-child(even) { background: #f8fafc; } td.n { text-align: right; font-variant-numeric: tabular-nums; } .pill { padding: 2px 8px; border-radius: 999px; font-size: 12px; } .ok { background: #dcfce7; color: #166534; } .bad { background: #fee2e2; color: #991b1b; }
    caption { caption-side: bottom; color: #64748b; padding: 8px; } td:first-child { border-left: 3px solid transparent; } tr.sel td:first-child { border-left-color: #6366f1; }`,
    `<table><caption>Table caption at the bottom</caption><thead><tr><th>Order</th><th>Customer</th><th>Status</th><th>Amount</th><th>Date</th></tr></thead><tbody>${rep(50, (r) => `<tr class="${r === 4 ? 'sel' : ''}"><td>#${1000 + r}</td><td>Customer name ${r}</td><td><span class="pill ${r % 3 ? 'ok' : 'bad'}">${r % 3 ? 'Paid' : 'Refunded'}</span></td><td class="n">$${(r * 13.37).toFixed(2)}</td><td>2026-12-${String((r % 28) + 1).padStart(2, '0')}</td></tr>`)}</tbody></table>`),
  page('bg-attachment', `.hero { height: 400px; background: url("${svgPhoto(200)}") center/cover fixed; color: #fff; font-size: 48px; display: grid; place-items: center; } .local { height: 200px; overflow: auto; background: linear-gradient(#fff 30%, transparent) local, radial-gradient(farthest-side at 50% 0, rgb(0 0 0 / .2), transparent) scroll; background-size: 100% 40px, 100% 14px; background-repeat: no-repeat; margin: 16px; border: 1px solid #e2e8f0; }
    .multi { height: 200px; margin: 16px; background: url("${svgPhoto(20, 64, 40)}") 0 0 / 64px 40px repeat space, linear-gradient(#fef3c7, #fde68a); } .round { background: url("${svgPhoto(90, 70, 50)}") round; height: 150px; margin: 16px; }`,
    `<div class="hero">Parallax</div><div class="local">${long()}</div><div class="multi"></div><div class="round"></div><div class="hero">Again</div>${long()}`),
  page('outline-focus', `button, a, input { margin: 8px; font: inherit; } .f1 { outline: 3px solid #f59e0b; outline-offset: 2px; border-radius: 8px; } .f2 { outline: 2px auto #2563eb; } .f3 { outline: 4px double #10b981; outline-offset: -6px; padding: 12px; }
    .f4 { box-shadow: 0 0 0 4px rgb(59 130 246 / .5); border-radius: 999px; border: 1px solid #3b82f6; padding: 6px 14px; }`,
    rep(12, (i) => `<div><button class="f${(i % 4) + 1}">Focused ${i}</button><a href="#" class="f${((i + 1) % 4) + 1}">Link ${i}</a><input class="f${((i + 2) % 4) + 1}" value="Input ${i}"></div>`) + long()),
  page('overflow-clip-radius', `.c { width: 260px; height: 160px; border-radius: 24px 4px 40px 8px / 12px 30px; overflow: hidden; display: inline-block; margin: 10px; border: 3px solid #6366f1; }
    .c img { width: 120%; height: 120%; object-fit: cover; } .c2 { overflow: clip; overflow-clip-margin: 10px; } .sq { corner-shape: squircle; } .ib { border-image: linear-gradient(45deg, #f43f5e, #8b5cf6) 1; border-width: 6px; border-style: solid; border-radius: 0; }`,
    rep(16, (i) => `<div class="c ${['', 'c2', 'ib', ''][i % 4]}"><img alt="" src="${svgPhoto(i * 22)}"></div>`) + long()),
];
PAGES.push(
  page('subpixel-text', `p { margin: 4px 0; } .m { font: 14px/1.6 'DejaVu Sans Mono', monospace; }`,
    rep(20, (i) => `<p style="padding-left:${16 + i * 0.1}px">Offset ${(i * 0.1).toFixed(1)}: const value = "string with a rather long literal that overflows";</p><p class="m" style="padding-left:${16 + i * 0.1}px">Mono ${(i * 0.1).toFixed(1)}: const value = "string with a rather long literal";</p>`)),
);
{
  const base = `pre { counter-reset: ln; background: #0f172a; color: #e2e8f0; padding: 16px 0; font: 14px/1.6 'DejaVu Sans Mono', monospace; margin: 16px; border-radius: 8px; }
    pre span.l { display: block; padding-right: 16px; } .k { color: #f472b6; } .s { color: #86efac; }`;
  const before = `pre span.l::before { counter-increment: ln; content: counter(ln); display: inline-block; width: 3ch; margin-right: 16px; text-align: right; color: #64748b; border-right: 1px solid #334155; padding-right: 8px; }`;
  const body = (lit) => `<pre>${rep(14, (i) => `<span class="l"><span class="k">const</span> value${i} = <span class="s">"string ${i} with a rather long literal${lit ? ' that overflows the block horizontally when the code is long enough' : ''}"</span>;</span>`)}</pre>`;
  PAGES.push(
    page('code-a-noover', base + before, rep(3, () => body(false))),
    page('code-b-over-visible', base + before, rep(3, () => body(true))),
    page('code-c-over-auto', base + before + 'pre { overflow-x: auto; }', rep(3, () => body(true))),
    page('code-d-auto-nobefore', base + 'pre { overflow-x: auto; } pre span.l { padding-left: 40px; }', rep(3, () => body(true))),
    page('code-e-auto-short', base + before + 'pre { overflow-x: auto; }', rep(3, () => body(false))),
  );
}
{
  const base = `p { margin: 4px 16px; font: 14px/1.6 'DejaVu Sans Mono', monospace; } .n { display: inline-block; margin-right: 16px; }`;
  const line = (pre) => rep(30, (i) => `<p class="p${i % 3}">${pre}const value${i} = "string ${i} with a rather long literal";</p>`);
  PAGES.push(
    page('pb-span-3ch', base + '.n { width: 3ch; }', line('<span class="n">1</span>')),
    page('pb-span-25px', base + '.n { width: 25.29px; }', line('<span class="n">1</span>')),
    page('pb-before-3ch', base + 'p::before { content: "1"; display: inline-block; width: 3ch; margin-right: 16px; }', line('')),
    page('pb-before-int', base + 'p::before { content: "1"; display: inline-block; width: 25px; margin-right: 16px; }', line('')),
    page('pb-before-inline', base + 'p::before { content: "12 "; }', line('')),
    page('pb-counter', base + 'body { counter-reset: c; } p::before { counter-increment: c; content: counter(c); display: inline-block; width: 25px; margin-right: 16px; }', line('')),
  );
}
// Speed probes for font-features (frame 4-9x CDP's): the same text in the installed families, and with the small web font only.
PAGES.push(
  page('ff-no-webfont', `.n { font-family: 'Liberation Sans Narrow'; font-size: 20px; margin: 12px 16px; } .m { font-family: 'DejaVu Sans Mono'; font-size: 15px; margin: 12px 16px; }`,
    rep(10, (i) => `<p class="n">Narrow ${i}: office affine 0123456789 ${para(1, i)}</p><p class="m">const x${i} = 0O0 != 1lI; // mono</p>`)),
  page('ff-narrow-only', `@font-face { font-family: Narrow; src: url(${NARROW}) format("truetype"); } .n { font-family: Narrow; font-size: 20px; margin: 12px 16px; } .m { font-family: 'DejaVu Sans Mono'; font-size: 15px; margin: 12px 16px; }`,
    rep(10, (i) => `<p class="n">Narrow ${i}: office affine 0123456789 ${para(1, i)}</p><p class="m">const x${i} = 0O0 != 1lI; // mono</p>`)),
  page('ff-mono-only', `@font-face { font-family: MonoD; src: url(${MONO}) format("truetype"); } .n { font-family: 'Liberation Sans Narrow'; font-size: 20px; margin: 12px 16px; } .m { font-family: MonoD; font-size: 15px; margin: 12px 16px; }`,
    rep(10, (i) => `<p class="n">Narrow ${i}: office affine 0123456789 ${para(1, i)}</p><p class="m">const x${i} = 0O0 != 1lI; // mono</p>`)),
);
