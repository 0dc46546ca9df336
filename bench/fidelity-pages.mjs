// The corpus of `npm run bench:fidelity`: pages written here that reproduce what real sites are
// made of (the patterns behind the misses found on Bootstrap's examples, html2canvas's reference
// tests and modern-screenshot's fixtures, issue 16), plus the capture bench's own five pages.
// No network: images are drawn from formulas or inline SVG, the one web font is served from an
// installed package (see fidelity.mjs). Each page is measured at the top and scrolled.
import { PAGES as BENCH_PAGES } from './pages.mjs';

const para = (n, seed = 0) => Array.from({ length: n }, (_, i) => `Sentence ${i + seed} of a paragraph that wraps over several lines like real copy does.`).join(' ');
const svgPhoto = (hue) => `data:image/svg+xml;utf8,${encodeURIComponent(`<svg xmlns="http://www.w3.org/2000/svg" width="320" height="200"><defs><linearGradient id="g" x2="0" y2="1"><stop offset="0" stop-color="hsl(${hue} 70% 75%)"/><stop offset="1" stop-color="hsl(${hue} 60% 40%)"/></linearGradient></defs><rect width="320" height="200" fill="url(#g)"/><circle cx="240" cy="60" r="30" fill="hsl(${(hue + 40) % 360} 90% 85%)"/><path d="M0 200 L90 110 L160 170 L230 90 L320 200 Z" fill="hsl(${hue} 40% 25%)"/></svg>`)}`;

function page(title, css, body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title><style>
  @font-face { font-family: "Corpus Icons"; src: url(/fonts/icons.ttf) format("truetype"); }
  body { margin: 0; font: 16px/1.5 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif; color: #212529; }
  ${css}</style></head><body>${body}</body></html>`;
}

/** A Bootstrap-like landing page: header, hero, features, footer; margins collapsing through wrappers. */
const landing = () => page('Landing', `
  header { background: #212529; color: #fff; } header .container { display: flex; gap: 20px; align-items: center; padding: 12px 24px; }
  .container { max-width: 1140px; margin: 0 auto; } .lead { font-size: 20px; margin-bottom: 24px; }
  .hero { text-align: center; padding: 48px 0; } .hero h1 { font-size: 48px; margin: 0 0 16px; }
  .btn { display: inline-block; padding: 8px 16px; border-radius: 6px; background: #0d6efd; color: #fff; text-decoration: none; }
  .btn.outline { background: transparent; color: #6c757d; border: 1px solid #6c757d; }
  .features { display: grid; grid-template-columns: repeat(3, 1fr); gap: 24px; padding: 0 24px; }
  .features h3 { margin-top: 0; } .icon { display: inline-grid; place-items: center; width: 48px; height: 48px; border-radius: 12px; background: #0d6efd; color: #fff; font-family: "Corpus Icons"; font-size: 28px; }
  footer { border-top: 1px solid #dee2e6; margin-top: 48px; } footer .row p { margin: 24px 0 32px; color: #6c757d; }`,
  `<header><div class="container"><b>Brand</b><a style="color:#fff">Features</a><a style="color:#fff">Pricing</a></div></header>
   <main><div class="hero"><div class="container"><h1>Centered hero</h1><p class="lead">${para(3)}</p><a class="btn">Primary</a> <a class="btn outline">Secondary</a></div></div>
   <div class="features">${Array.from({ length: 9 }, (_, i) => `<div><span class="icon">${String.fromCodePoint(0xea60 + i)}</span><h3>Feature ${i}</h3><p>${para(2, i)}</p><a href="#">Call to action</a></div>`).join('')}</div></main>
   <footer><div class="container"><div class="row"><p>© 2026 Company, Inc. ${para(1)}</p></div></div></footer>`);

/** An album of inline-block cards (baselines decide where each line sits). */
const album = () => page('Album', `
  .album { background: #f8f9fa; padding: 24px; } .card { display: inline-block; width: 340px; margin: 10px; vertical-align: baseline; background: #fff; border: 1px solid rgba(0,0,0,.125); border-radius: 6px; overflow: hidden; }
  .card img { display: block; width: 100%; height: 180px; object-fit: cover; } .card p { padding: 0 14px; } .card small { color: #6c757d; padding: 0 14px 14px; display: inline-block; }`,
  `<h1 style="margin:24px">Album example</h1><div class="album">${Array.from({ length: 24 }, (_, i) => `<div class="card"><img alt="" src="${svgPhoto(i * 37 % 360)}"><p>${para(1 + (i % 3), i)}</p><small>${i + 3} mins</small></div>`).join('')}</div>`);

/** Pricing cards: flex, shadows, badges, a table of plans. */
const pricing = () => page('Pricing', `
  .plans { display: flex; gap: 24px; justify-content: center; padding: 24px; } .plan { width: 320px; border: 1px solid #dee2e6; border-radius: 8px; box-shadow: 0 2px 12px rgb(0 0 0 / .08); }
  .plan h4 { margin: 0; padding: 12px; background: #f8f9fa; border-bottom: 1px solid #dee2e6; text-align: center; } .plan.best h4 { background: #0d6efd; color: #fff; }
  .price { font-size: 40px; text-align: center; margin: 12px 0; } .price small { font-size: 16px; color: #6c757d; } .plan ul { list-style: none; padding: 0 24px; }
  .badge { position: relative; top: -2px; margin-left: 6px; padding: 2px 8px; border-radius: 999px; background: #ffc107; font-size: 12px; }
  table { margin: 24px auto; border-collapse: collapse; width: 1000px; } th, td { border-bottom: 1px solid #dee2e6; padding: 10px; text-align: center; } td:first-child, th:first-child { text-align: left; }
  .check { color: #198754; font-weight: 700; }`,
  `<h1 style="text-align:center">Pricing</h1><p style="text-align:center;color:#6c757d">${para(2)}</p><div class="plans">${['Free', 'Pro', 'Enterprise'].map((p, i) => `<div class="plan ${i === 1 ? 'best' : ''}"><h4>${p}${i === 1 ? '<span class="badge">Popular</span>' : ''}</h4><div class="price">$${i * 15}<small>/mo</small></div><ul>${Array.from({ length: 5 }, (_, k) => `<li>${k + 1 + i * 5} users included</li>`).join('')}</ul></div>`).join('')}</div>
   <table><thead><tr><th></th><th>Free</th><th>Pro</th><th>Enterprise</th></tr></thead><tbody>${Array.from({ length: 14 }, (_, r) => `<tr><td>Feature ${r}</td>${[0, 1, 2].map((c) => `<td class="check">${c >= r % 3 ? '✓' : ''}</td>`).join('')}</tr>`).join('')}</tbody></table>`);

/** A blog article: headings, blockquote, code, lists, a figure, floats. */
const article = () => page('Article', `
  article { max-width: 760px; margin: 32px auto; } h1 { font-size: 40px; line-height: 1.1; } blockquote { border-left: 4px solid #0d6efd; margin: 16px 0; padding: 4px 16px; color: #495057; font-style: italic; }
  pre { background: #1e1e1e; color: #d4d4d4; padding: 16px; border-radius: 6px; overflow: auto; font: 13px/1.5 'DejaVu Sans Mono', monospace; } code { background: #f1f3f5; padding: 1px 4px; border-radius: 4px; }
  figure { float: right; width: 300px; margin: 0 0 12px 20px; } figure img { width: 100%; border-radius: 6px; } figcaption { font-size: 13px; color: #6c757d; }
  ul.tags li { display: inline-block; background: #e9ecef; border-radius: 4px; padding: 0 8px; margin: 0 4px 4px 0; }`,
  `<article><h1>How the river found the sea</h1><ul class="tags"><li>travel</li><li>maps</li><li>notes</li></ul><p>${para(4)}</p><figure><img alt="" src="${svgPhoto(200)}"><figcaption>A figure floated to the right.</figcaption></figure>
   <p>${para(6, 4)}</p><blockquote>${para(2, 9)}</blockquote><pre>function walk(node) {\n  for (const child of node.children) walk(child);\n  return node.value ?? 0;\n}</pre>
   <h2>Lists</h2><ol>${Array.from({ length: 6 }, (_, i) => `<li>Step with <code>code ${i}</code> and <a href="#">a link</a></li>`).join('')}</ol><p>${para(10, 20)}</p><h2>More</h2><p>${para(12, 40)}</p></article>`);

/** A sign-in and settings form: inputs typed into, selects, checkboxes, radios, ranges, a textarea. */
const form = () => page('Form', `
  form { max-width: 720px; margin: 32px auto; display: grid; gap: 16px; } label { display: grid; gap: 4px; font-weight: 600; }
  input:not([type=checkbox]):not([type=radio]):not([type=range]), select, textarea { font: inherit; padding: 8px 10px; border: 1px solid #ced4da; border-radius: 6px; }
  fieldset { border: 1px solid #dee2e6; border-radius: 6px; } .row { display: flex; gap: 16px; align-items: center; } button { font: inherit; padding: 10px 18px; border: 0; border-radius: 6px; background: #198754; color: #fff; }`,
  `<form><h2>Account</h2><label>Email <input id="email" value="ada@example.com"></label><label>Display name <input placeholder="How others see you"></label>
   <label>Country <select><option>France</option><option selected>Portugal</option></select></label>
   <fieldset><legend>Notifications</legend><div class="row"><label class="row"><input type="checkbox" checked> Email</label><label class="row"><input type="checkbox"> SMS</label><label class="row"><input type="radio" name="f" checked> Daily</label><label class="row"><input type="radio" name="f"> Weekly</label></div></fieldset>
   <label>Volume <input type="range" value="70"></label><label>About you <textarea rows="4">${para(1)}</textarea></label>
   <progress value="40" max="100"></progress><meter value="0.7"></meter><details open><summary>Advanced</summary><p>${para(3)}</p></details><details><summary>Danger zone</summary><p>Hidden</p></details>
   <div class="row"><button type="button">Save</button><button type="button" disabled style="background:#6c757d">Cancel</button></div>${Array.from({ length: 8 }, (_, i) => `<label>Extra ${i} <input value="value ${i}"></label>`).join('')}</form>`);

/** Documentation: a sticky sidebar, a sticky header, code, callouts, an inner scrolled box with scrollbars. */
const docs = () => page('Docs', `
  .top { position: sticky; top: 0; z-index: 5; background: #fff; border-bottom: 1px solid #dee2e6; padding: 12px 24px; font-weight: 700; }
  .layout { display: grid; grid-template-columns: 240px minmax(0, 1fr); gap: 32px; max-width: 1200px; margin: 0 auto; }
  nav { position: sticky; top: 60px; align-self: start; height: calc(100vh - 80px); overflow: auto; } nav a { display: block; padding: 3px 8px; color: #495057; text-decoration: none; font-size: 14px; }
  .callout { border: 1px solid #e9ecef; border-left: 4px solid #ffc107; border-radius: 4px; padding: 12px 16px; margin: 16px 0; background: #fffbeb; }
  .box { height: 160px; overflow: auto; border: 1px solid #ced4da; padding: 8px; } pre { background: #f8f9fa; padding: 12px; border-radius: 6px; }`,
  `<div class="top">Docs · v5.3</div><div class="layout"><nav>${Array.from({ length: 60 }, (_, i) => `<a href="#">Section ${i}</a>`).join('')}</nav><main>${Array.from({ length: 6 }, (_, s) => `<h2>Part ${s}</h2><p>${para(5, s * 5)}</p><div class="callout"><b>Note.</b> ${para(1, s)}</div><pre>npm install thing@${s}.0.0</pre>${s === 1 ? `<div class="box">${para(20)}</div>` : ''}`).join('')}</main></div>`);

/** An SVG-heavy analytics page: charts with text anchors, paint-order, clip, icons. */
const charts = () => {
  const bars = Array.from({ length: 12 }, (_, i) => `<rect x="${40 + i * 45}" y="${200 - ((i * 53) % 150)}" width="30" height="${(i * 53) % 150}" fill="hsl(${i * 30} 60% 55%)"/><text x="${55 + i * 45}" y="220" text-anchor="middle" font-size="12">M${i + 1}</text>`).join('');
  const line = Array.from({ length: 30 }, (_, i) => `${20 + i * 19},${120 - Math.round(Math.sin(i / 3) * 60)}`).join(' ');
  return page('Charts', `
    .grid { display: grid; grid-template-columns: repeat(2, 1fr); gap: 20px; padding: 20px; } .panel { border: 1px solid #dee2e6; border-radius: 8px; padding: 12px; }
    svg text.halo { paint-order: stroke; stroke: #fff; stroke-width: 4px; } .clipped { position: absolute; clip: rect(0 120px 40px 0); background: #d63384; color: #fff; width: 240px; height: 80px; }`,
    `<h1 style="margin:20px">Analytics</h1><div style="position:relative;height:50px;margin:0 20px"><div class="clipped">clipped region text</div></div><div class="grid">${Array.from({ length: 6 }, (_, k) => `<div class="panel"><h3>Chart ${k}</h3><svg width="600" height="240">${k % 2 ? `<polyline points="${line}" fill="none" stroke="#0d6efd" stroke-width="3"/><text class="halo" x="300" y="120" text-anchor="middle" font-size="28" fill="#333">Peak ${k}</text>` : bars}<line x1="30" y1="200" x2="590" y2="200" stroke="#999"/></svg></div>`).join('')}</div>`);
};

/** A product grid with sale badges, ratings drawn with generated content and counters. */
const shop = () => page('Shop', `
  .grid { display: grid; grid-template-columns: repeat(4, 1fr); gap: 18px; padding: 20px; counter-reset: product; } .p { position: relative; border-radius: 10px; overflow: hidden; box-shadow: 0 1px 6px rgb(0 0 0 / .15); counter-increment: product; }
  .p img { width: 100%; height: 160px; object-fit: cover; display: block; } .p .body { padding: 10px; } .p .body::before { content: "#" counter(product) " "; color: #6c757d; }
  .sale { position: absolute; top: 8px; left: 8px; background: #dc3545; color: #fff; padding: 2px 8px; border-radius: 4px; font-size: 12px; }
  .stars::after { content: "★★★★☆"; color: #ffc107; } q { quotes: "«" "»"; }`,
  `<h1 style="margin:20px">Shop</h1><div class="grid">${Array.from({ length: 24 }, (_, i) => `<div class="p">${i % 4 === 0 ? '<span class="sale">Sale</span>' : ''}<img alt="" src="${svgPhoto(i * 53 % 360)}"><div class="body"><b>Item ${i}</b><div class="stars"></div><q>${para(1, i).slice(0, 40)}</q><div><b>£${(9 + i * 3.5).toFixed(2)}</b></div></div></div>`).join('')}</div>`);

/** A page with a fixed cookie banner, a fixed chat button and negative z-index decoration. */
const banner = () => page('Banner', `
  html { background: transparent; } body { background: #fdf6e3; } .deco { position: absolute; z-index: -1; top: 120px; left: 60%; width: 400px; height: 400px; border-radius: 50%; background: radial-gradient(#b58900, #cb4b16); opacity: .5; }
  main { max-width: 800px; margin: 0 40px; position: relative; } .cookie { position: fixed; left: 0; right: 0; bottom: 0; background: #073642; color: #eee8d5; padding: 16px 24px; display: flex; gap: 16px; align-items: center; }
  .cookie button { margin-left: auto; font: inherit; padding: 6px 14px; } .chat { position: fixed; right: 20px; bottom: 90px; width: 56px; height: 56px; border-radius: 50%; background: #268bd2; box-shadow: 0 4px 10px rgb(0 0 0 / .3); }`,
  `<div class="deco"></div><main><h1>Welcome back</h1>${Array.from({ length: 10 }, (_, i) => `<h2>Chapter ${i}</h2><p>${para(5, i * 5)}</p>`).join('')}</main><div class="chat"></div><div class="cookie">We use cookies to make this site work. <button>Accept</button><button>Settings</button></div>`);

/** Right-to-left and mixed-script text, with lists and a table. */
const rtl = () => page('RTL', `
  body { direction: rtl; } main { max-width: 900px; margin: 24px auto; } table { border-collapse: collapse; } td, th { border: 1px solid #adb5bd; padding: 6px 12px; } .ltr { direction: ltr; unicode-bidi: isolate; }`,
  `<main><h1>مرحبا بالعالم</h1>${Array.from({ length: 8 }, (_, i) => `<p>هذا نص تجريبي رقم ${i} يحتوي على <span class="ltr">English words ${i}</span> في وسطه، ويمتد على عدة أسطر لكي نرى الالتفاف. ${'نص إضافي '.repeat(12)}</p>`).join('')}
   <ul>${Array.from({ length: 6 }, (_, i) => `<li>عنصر ${i}</li>`).join('')}</ul><table>${Array.from({ length: 10 }, (_, r) => `<tr><th>صف ${r}</th><td>${r * 11}</td><td class="ltr">${r}.5 kg</td></tr>`).join('')}</table><p>${'خاتمة '.repeat(60)}</p></main>`);

/** A news front page: multi-column text, floats, a sticky ticker, transforms. */
const news = () => page('News', `
  .ticker { position: sticky; top: 0; background: #b02a37; color: #fff; padding: 6px 16px; z-index: 2; } .front { display: grid; grid-template-columns: 2fr 1fr; gap: 24px; padding: 16px 24px; }
  .lead-story p { columns: 2; column-gap: 24px; column-rule: 1px solid #dee2e6; } .lead-story img { width: 100%; height: 260px; object-fit: cover; }
  .side article { border-bottom: 1px solid #dee2e6; padding: 8px 0; } .side img { float: left; width: 90px; height: 60px; margin: 0 10px 4px 0; object-fit: cover; }
  .stamp { display: inline-block; transform: rotate(-6deg); border: 2px solid #b02a37; color: #b02a37; padding: 2px 10px; font-weight: 700; }`,
  `<div class="ticker">Breaking: ${para(1)}</div><div class="front"><div class="lead-story"><h1>Headline of the day <span class="stamp">LIVE</span></h1><img alt="" src="${svgPhoto(20)}"><p>${para(14)}</p><p>${para(14, 20)}</p></div>
   <div class="side">${Array.from({ length: 14 }, (_, i) => `<article><img alt="" src="${svgPhoto(i * 29 % 360)}"><b>Story ${i}</b><br>${para(1, i)}</article>`).join('')}</div></div>`);

/** A modal dialog open over a page (top layer with a backdrop) and a popover. */
const modal = () => page('Modal', `
  dialog { border: 0; border-radius: 12px; padding: 24px; width: 480px; box-shadow: 0 10px 40px rgb(0 0 0 / .4); } dialog::backdrop { background: rgb(0 0 0 / .5); }
  main { padding: 24px; }`,
  `<main><h1>Orders</h1>${Array.from({ length: 12 }, (_, i) => `<p>${para(3, i)}</p>`).join('')}</main><dialog id="d"><h2>Confirm</h2><p>${para(2)}</p><button>OK</button> <button>Cancel</button></dialog>
   <script>document.getElementById('d').showModal();</script>`);

/** A chat app shell whose body locks scrolling (`overflow: hidden`, propagated to the viewport) while the window is scrolled; message bubbles, avatars. */
const chat = () => page('Chat', `
  body { height: 100vh; display: grid; grid-template-columns: 280px 1fr; overflow: hidden; } .list { overflow: auto; border-right: 1px solid #dee2e6; } .list div { display: flex; gap: 10px; padding: 10px; border-bottom: 1px solid #f1f3f5; }
  .av { width: 36px; height: 36px; border-radius: 50%; flex: none; } .thread { display: flex; flex-direction: column; } .msgs { flex: 1; overflow: auto; padding: 16px; display: flex; flex-direction: column; gap: 8px; }
  .m { max-width: 60%; padding: 8px 12px; border-radius: 14px; background: #e9ecef; } .m.me { align-self: flex-end; background: #0d6efd; color: #fff; } .compose { display: flex; gap: 8px; padding: 12px; border-top: 1px solid #dee2e6; } .compose input { flex: 1; font: inherit; padding: 8px; }`,
  `<div class="list">${Array.from({ length: 40 }, (_, i) => `<div><span class="av" style="background:hsl(${i * 41 % 360} 60% 60%)"></span><span><b>Person ${i}</b><br><small>${para(1, i).slice(0, 30)}</small></span></div>`).join('')}</div>
   <div class="thread"><div class="msgs">${Array.from({ length: 60 }, (_, i) => `<div class="m ${i % 3 ? '' : 'me'}">${para(1, i).slice(0, 20 + (i * 13) % 60)}</div>`).join('')}</div><div class="compose"><input value="Typing a reply"><button>Send</button></div></div>
   <script>document.querySelector('.msgs').scrollTop = 1e6;</script>`);


// Pages of CSS features that real sites use and the pages above lack (helper "fid", issue 16).

/** Every kind of native form control, in light and in a dark color-scheme panel. */
const controls = () => page('Controls', `
  .grid { display: grid; grid-template-columns: repeat(3, 1fr); gap: 14px 24px; padding: 20px; } label { display: grid; gap: 4px; font-size: 14px; }
  .dark { color-scheme: dark; background: #1e1e1e; color: #ddd; } .accent { accent-color: #d63384; } input::placeholder { color: #8a6d3b; font-style: italic; }`,
  `<h1 style="margin:20px">All the controls</h1>${['', 'dark accent'].map((cls) => `<div class="grid ${cls}">
   <label>Text <input value="Typed value"></label><label>Placeholder <input placeholder="Search products…"></label><label>Password <input type="password" value="secret"></label>
   <label>Number <input type="number" value="42"></label><label>Search <input type="search" value="query"></label><label>Email <input type="email" placeholder="you@example.com"></label>
   <label>Date <input type="date" value="2026-03-14"></label><label>Time <input type="time" value="13:45"></label><label>Datetime <input type="datetime-local" value="2026-03-14T13:45"></label>
   <label>Month <input type="month" value="2026-03"></label><label>Week <input type="week" value="2026-W11"></label><label>Color <input type="color" value="#3b82f6"></label>
   <label>Range <input type="range" min="0" max="10" value="3"></label><label>File <input type="file"></label><label>Progress <progress value="70" max="100"></progress></label>
   <label>Indeterminate <progress></progress></label><label>Meter <meter min="0" max="10" low="3" high="7" optimum="9" value="2"></meter></label><label>Meter ok <meter value="0.9"></meter></label>
   <label>Select <select><option>One</option><option selected>Two</option></select></label><label>Multiple <select multiple size="4"><option>Alpha</option><option selected>Beta</option><option>Gamma</option><option selected>Delta</option><option>Epsilon</option></select></label>
   <label>Listbox <select size="3"><optgroup label="Group"><option>Inside</option><option selected>Chosen</option></optgroup></select></label>
   <div><label><span><input type="checkbox" checked> Checked</span></label><label><span><input type="checkbox"> Unchecked</span></label><label><span><input type="checkbox" class="ind"> Indeterminate</span></label></div>
   <div><label><span><input type="radio" name="r${cls}" checked> First</span></label><label><span><input type="radio" name="r${cls}"> Second</span></label><label><span><input type="radio" disabled> Disabled</span></label></div>
   <label>Textarea <textarea rows="4" class="scrolled">${para(12)}</textarea></label>
   <div><button>Button</button> <button disabled>Disabled</button> <input type="submit" value="Submit"> <input type="reset"> <input type="button" value="Input button"></div>
   <label>Disabled <input disabled value="Cannot edit"></label><label>Readonly <input readonly value="Read only"></label>
   <fieldset><legend>Legend</legend><input type="checkbox" checked> In a fieldset</fieldset></div>`).join('')}
   <script>for (const t of document.querySelectorAll('textarea.scrolled')) t.scrollTop = 60; for (const c of document.querySelectorAll('.ind')) c.indeterminate = true;</script>`);

/** Visual effects: filters, blend modes, backdrop-filter, shadows, outlines, gradients, border-image, clip-path, masks, 3D. */
const effects = () => page('Effects', `
  .grid { display: grid; grid-template-columns: repeat(4, 1fr); gap: 24px; padding: 24px; } .tile { height: 140px; border-radius: 10px; position: relative; overflow: hidden; font-weight: 700; }
  .photo { background: url("${svgPhoto(210)}") center / cover; } .g1 { background: linear-gradient(135deg, #f093fb, #f5576c); } .g2 { background: radial-gradient(circle at 30% 30%, #fff, #4facfe 60%, #00f2fe); }
  .g3 { background: conic-gradient(from 45deg, red, orange, yellow, green, blue, purple, red); } .g4 { background: repeating-linear-gradient(45deg, #222 0 10px, #ffc107 10px 20px); }
  .blur { filter: blur(3px); } .gray { filter: grayscale(1) contrast(1.2); } .hue { filter: hue-rotate(120deg) saturate(2); } .drop { filter: drop-shadow(6px 6px 4px rgb(0 0 0 / .5)); }
  .glass { position: absolute; inset: 30px 20px; backdrop-filter: blur(8px) saturate(1.5); background: rgb(255 255 255 / .3); border: 1px solid rgb(255 255 255 / .6); border-radius: 8px; }
  .blend { mix-blend-mode: multiply; background: #0dcaf0; position: absolute; inset: 20px; border-radius: 50%; } .blend2 { mix-blend-mode: screen; background: #d63384; position: absolute; inset: 40px 10px; }
  .shadow { box-shadow: 0 10px 20px rgb(0 0 0 / .25), inset 0 0 0 4px #0d6efd; background: #fff; } .outline { outline: 3px dashed #d63384; outline-offset: 6px; background: #f8f9fa; overflow: visible; }
  .bimg { border: 16px solid; border-image: repeating-linear-gradient(45deg, #0d6efd 0 8px, #fff 8px 16px) 16; }
  .clip1 { clip-path: polygon(50% 0, 100% 50%, 50% 100%, 0 50%); } .clip2 { clip-path: circle(40%); } .clip3 { clip-path: inset(10px 20px round 20px); }
  .mask { -webkit-mask-image: linear-gradient(to right, #000, transparent); mask-image: linear-gradient(to right, #000, transparent); } .mask2 { mask-image: radial-gradient(circle, #000 50%, transparent 51%); -webkit-mask-image: radial-gradient(circle, #000 50%, transparent 51%); }
  .scene { perspective: 600px; } .cube { transform: rotateY(35deg) rotateX(15deg); background: #6f42c1; color: #fff; height: 100%; } .skew { transform: skewX(-12deg) scale(.9); }
  .ts { text-shadow: 2px 2px 0 #f00, -2px -2px 0 #00f; font-size: 28px; padding: 20px; } .op { opacity: .4; } .radius { border-radius: 50% 10% 50% 10% / 20% 50% 20% 50%; border: 4px double #198754; }`,
  `<h1 style="margin:24px">Effects</h1><div class="grid">
   <div class="tile g1">linear</div><div class="tile g2">radial</div><div class="tile g3">conic</div><div class="tile g4"></div>
   <div class="tile photo blur"></div><div class="tile photo gray"></div><div class="tile photo hue"></div><div class="tile"><div class="tile photo drop" style="margin:10px;overflow:visible"></div></div>
   <div class="tile photo"><div class="glass">glass</div></div><div class="tile photo"><div class="blend"></div><div class="blend2"></div></div><div class="tile shadow">shadow</div><div class="tile outline">outline</div>
   <div class="tile bimg">border-image</div><div class="tile photo clip1"></div><div class="tile photo clip2"></div><div class="tile photo clip3"></div>
   <div class="tile photo mask"></div><div class="tile photo mask2"></div><div class="tile scene"><div class="cube">3D</div></div><div class="tile g1 skew">skew</div>
   <div class="tile ts">Shadowed</div><div class="tile photo op"></div><div class="tile g2 radius"></div><div class="tile" style="background:#000;color:#fff;filter:invert(1)">inverted</div>
   ${Array.from({ length: 8 }, (_, i) => `<div class="tile ${['g1', 'g2', 'g3', 'g4'][i % 4]} ${['blur', 'gray', 'hue', 'drop'][i % 4]}"></div>`).join('')}</div><p style="margin:24px">${para(10)}</p>`);

/** Text layout: ellipsis, line clamps, vertical writing, emoji, markers, list images, columns, first-letter. */
const typography = () => page('Typography', `
  main { max-width: 1100px; margin: 0 auto; padding: 20px; display: grid; grid-template-columns: 1fr 1fr; gap: 24px; }
  .ell { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; border: 1px solid #ccc; padding: 4px; } .clamp { display: -webkit-box; -webkit-line-clamp: 3; -webkit-box-orient: vertical; overflow: hidden; }
  .vert { writing-mode: vertical-rl; height: 220px; border: 1px solid #ccc; padding: 8px; } .vlr { writing-mode: vertical-lr; text-orientation: upright; height: 200px; } .sideways { writing-mode: vertical-rl; transform: rotate(180deg); }
  .emoji { font-size: 32px; } ul.custom li::marker { color: #d63384; content: "➤ "; font-size: 20px; } ol.roman { list-style: upper-roman; } ol.roman li::marker { color: #0d6efd; font-weight: 700; }
  ul.img { list-style-image: url("data:image/svg+xml;utf8,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="12" height="12"><rect width="12" height="12" rx="3" fill="#198754"/></svg>')}"); }
  ul.inside { list-style-position: inside; list-style-type: square; } ul.none { list-style: none; padding: 0; } ul.none li::before { content: "✓ "; color: #198754; }
  .cols { columns: 3 160px; column-rule: 2px dotted #adb5bd; column-gap: 20px; } .cols h4 { column-span: all; margin: 4px 0; }
  .drop::first-letter { float: left; font-size: 54px; line-height: .9; margin: 4px 6px 0 0; color: #b02a37; font-weight: 700; } .fl::first-line { font-variant: small-caps; letter-spacing: 1px; color: #0d6efd; }
  .deco span { text-decoration: underline wavy #dc3545; } .deco s { text-decoration-thickness: 3px; } .deco u { text-underline-offset: 5px; text-decoration-style: double; } mark { background: #fff3cd; }
  .hyph { hyphens: auto; width: 180px; text-align: justify; } .break { word-break: break-all; width: 200px; } .pre { white-space: pre-wrap; tab-size: 4; font-family: 'DejaVu Sans Mono', monospace; }
  abbr { text-decoration: underline dotted; } sup, sub { font-size: 70%; } kbd { border: 1px solid #adb5bd; border-radius: 3px; padding: 0 4px; box-shadow: inset 0 -1px 0 #adb5bd; font-size: 13px; }
  .grad { background: linear-gradient(90deg, #0d6efd, #d63384); -webkit-background-clip: text; background-clip: text; color: transparent; font-size: 36px; font-weight: 800; } .stroke { -webkit-text-stroke: 1px #212529; color: transparent; font-size: 36px; font-weight: 800; }`,
  `<main><section><h2>Truncation</h2>${Array.from({ length: 4 }, (_, i) => `<div class="ell">${para(2, i)}</div>`).join('')}<p class="clamp">${para(6)}</p>
   <h2>Emoji</h2><p class="emoji">😀 🎉 👍🏽 👨‍👩‍👧‍👦 🇵🇹 ❤️ ☕ 🚀</p><p>Inline emoji 🙂 in text and a flag 🇯🇵 and ✅ ❌ ⚠️.</p>
   <h2>Lists</h2><ul class="custom"><li>Custom marker</li><li>Second item</li></ul><ol class="roman"><li>Roman</li><li>Numerals</li><li>Three</li></ol><ul class="img"><li>Image bullet</li><li>Another</li></ul><ul class="inside"><li>Inside square bullets</li><li>wrap ${para(1)}</li></ul><ul class="none"><li>Ticked</li><li>Ticked too</li></ul>
   <dl><dt>Term</dt><dd>Definition of the term.</dd><dt>Other</dt><dd>Another one.</dd></dl></section>
   <section><h2>Vertical</h2><div style="display:flex;gap:16px"><div class="vert">縦書きの日本語テキスト。English inside. ${para(1)}</div><div class="vlr">UPRIGHT</div><div class="sideways">Sideways label</div></div>
   <h2>Columns</h2><div class="cols"><h4>Spanning heading</h4>${para(8)}</div>
   <p class="drop">${para(4)}</p><p class="fl">${para(3)}</p><p class="deco"><span>wavy</span> <s>struck</s> <u>double</u> <mark>marked</mark> <abbr title="x">abbr</abbr> x<sup>2</sup> H<sub>2</sub>O <kbd>Ctrl</kbd>+<kbd>K</kbd></p>
   <div style="display:flex;gap:16px"><p class="hyph" lang="en">Extraordinarily incomprehensible characteristically uncharacteristically internationalization</p><p class="break">https://example.com/a/very/long/path/without/any/spaces/at/all</p></div>
   <p class="pre">col\tcol\tcol\n\tindented   spaced</p><p class="grad">Gradient text</p><p class="stroke">Outlined text</p></section></main>`);

/** Embedded media: a same-origin iframe, canvases, inline SVG with <use>, <picture>, object-fit, fixed backgrounds. */
const media = () => page('Media', `
  .grid { display: grid; grid-template-columns: repeat(3, 1fr); gap: 20px; padding: 20px; } .grid > * { border: 1px solid #dee2e6; border-radius: 8px; }
  iframe { width: 100%; height: 220px; } canvas { width: 100%; height: 220px; display: block; } .fit img { width: 100%; height: 200px; display: block; }
  .hero { height: 300px; background: url("${svgPhoto(120)}") center / cover fixed; display: grid; place-items: center; color: #fff; font-size: 40px; text-shadow: 0 2px 6px #000; }
  .pattern { height: 200px; background: url("${svgPhoto(300)}") 0 0 / 80px 50px repeat, #eee; } .multi { height: 200px; background: linear-gradient(rgb(0 0 0 / .5), transparent), url("${svgPhoto(40)}") right bottom / 60% no-repeat, #cfe2ff; }
  svg.icon { width: 48px; height: 48px; fill: currentColor; color: #0d6efd; } .icons { display: flex; gap: 12px; padding: 12px; flex-wrap: wrap; }`,
  `<svg width="0" height="0" style="position:absolute"><defs><symbol id="star" viewBox="0 0 24 24"><path d="M12 2l3 7h7l-5.5 4.5 2 7.5-6.5-4.5-6.5 4.5 2-7.5L2 9h7z"/></symbol><symbol id="heart" viewBox="0 0 24 24"><path d="M12 21s-8-5-8-11a4.5 4.5 0 0 1 8-3 4.5 4.5 0 0 1 8 3c0 6-8 11-8 11z"/></symbol><linearGradient id="lg"><stop offset="0" stop-color="#f00"/><stop offset="1" stop-color="#00f"/></linearGradient></defs></svg>
   <h1 style="margin:20px">Media</h1><div class="hero">Fixed background</div><div class="grid">
   <iframe srcdoc="<style>body{font:16px sans-serif;margin:12px;background:#fff8e1}</style><h2>Inside an iframe</h2><p>${para(3)}</p><button>Framed button</button>"></iframe>
   <div><canvas id="c1" width="400" height="220"></canvas></div><div class="icons">${Array.from({ length: 12 }, (_, i) => `<svg class="icon" style="color:hsl(${i * 30} 70% 45%)"><use href="#${i % 2 ? 'heart' : 'star'}"/></svg>`).join('')}<svg width="200" height="60"><rect width="200" height="60" rx="10" fill="url(#lg)"/><use href="#star" x="70" y="0" width="60" height="60" fill="#fff"/></svg></div>
   ${['fill', 'contain', 'cover', 'none', 'scale-down'].map((f) => `<div class="fit"><img alt="" src="${svgPhoto(f.length * 40)}" style="object-fit:${f};object-position:${f === 'none' ? '20% 30%' : 'center'}"><small>${f}</small></div>`).join('')}
   <picture><source srcset="${svgPhoto(10)} 1x, ${svgPhoto(90)} 2x" media="(min-width: 600px)"><img alt="" src="${svgPhoto(180)}" style="width:100%;height:200px"></picture>
   <div class="pattern"></div><div class="multi"></div><img alt="" src="${svgPhoto(250)}" srcset="${svgPhoto(250)} 320w, ${svgPhoto(330)} 640w" sizes="(max-width: 600px) 100vw, 400px" style="width:100%;height:200px;object-fit:cover"></div>
   <div class="hero" style="background-image:url('${svgPhoto(330)}')">Second fixed</div><p style="margin:20px">${para(30)}</p>
   <script>const c = document.getElementById('c1').getContext('2d'); const g = c.createLinearGradient(0, 0, 400, 220); g.addColorStop(0, '#0d6efd'); g.addColorStop(1, '#d63384'); c.fillStyle = g; c.fillRect(0, 0, 400, 220); c.fillStyle = '#fff'; c.font = 'bold 32px sans-serif'; c.fillText('Canvas chart', 40, 60); c.strokeStyle = '#ffc107'; c.lineWidth = 4; c.beginPath(); for (let x = 0; x < 400; x += 10) c.lineTo(x, 150 + Math.sin(x / 30) * 40); c.stroke();</script>`);

/** Modern CSS: custom properties, @layer, :has(), container queries, nesting, unicode-range font faces, zoom, aspect-ratio, sticky headers in scrolled boxes. */
const modern = () => page('Modern', `
  @layer base, components; @layer components { .card { background: var(--card-bg); border-radius: var(--r); padding: 16px; } } @layer base { .card { background: red; padding: 0; } }
  @font-face { font-family: "Ranged"; src: url(/fonts/icons.ttf) format("truetype"); unicode-range: U+EA60-EA90; }
  :root { --card-bg: #e7f1ff; --r: 12px; --accent: #6f42c1; } .wrap { display: grid; grid-template-columns: repeat(3, 1fr); gap: 20px; padding: 20px; }
  .card:has(input:checked) { outline: 3px solid var(--accent); background: #f3e8ff; } .card h3 { color: var(--accent); margin: 0 0 8px; }
  .cq { container-type: inline-size; border: 1px dashed #999; } .cq .inner { display: grid; grid-template-columns: 1fr; gap: 8px; } @container (min-width: 350px) { .cq .inner { grid-template-columns: 1fr 1fr; } .cq .inner div { background: #d1e7dd; } }
  .nest { & p { color: #198754; } &:hover { color: red; } } .ranged { font-family: "Ranged", 'DejaVu Sans', sans-serif; font-size: 24px; }
  .zoomed { zoom: 1.5; } .ar { aspect-ratio: 16 / 9; background: linear-gradient(#ffc107, #fd7e14); border-radius: 8px; } .inset { position: relative; height: 120px; background: #eee; } .inset span { position: absolute; inset: auto 10px 10px auto; background: #0d6efd; color: #fff; padding: 4px; }
  .tablebox { height: 220px; overflow: auto; border: 1px solid #dee2e6; } .tablebox table { border-collapse: collapse; width: 100%; } .tablebox th { position: sticky; top: 0; background: #212529; color: #fff; } .tablebox td, .tablebox th { padding: 6px 10px; border-bottom: 1px solid #dee2e6; }
  .carousel { display: flex; gap: 12px; overflow-x: auto; scroll-snap-type: x mandatory; padding-bottom: 8px; } .carousel > div { flex: 0 0 220px; height: 140px; scroll-snap-align: start; border-radius: 10px; display: grid; place-items: center; color: #fff; font-size: 28px; }
  .fixedbar { position: fixed; top: 0; right: 0; left: 0; height: 48px; background: rgb(33 37 41 / .85); backdrop-filter: blur(6px); color: #fff; display: flex; align-items: center; padding: 0 20px; z-index: 10; }
  body { padding-top: 48px; } .gallery { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); grid-auto-rows: 100px; grid-auto-flow: dense; gap: 8px; padding: 20px; } .gallery .w { grid-column: span 2; } .gallery .t { grid-row: span 2; } .gallery div { border-radius: 6px; }
  details { border: 1px solid #dee2e6; border-radius: 6px; padding: 8px 12px; margin: 8px 20px; } summary { cursor: pointer; font-weight: 600; } details[open] summary { color: #0d6efd; }`,
  `<div class="fixedbar">Fixed translucent header</div><div class="wrap">${Array.from({ length: 6 }, (_, i) => `<label class="card"><h3>Plan ${i}</h3><input type="checkbox" ${i === 1 ? 'checked' : ''}> Choose<p>${para(1, i)}</p></label>`).join('')}</div>
   <div class="wrap"><div class="cq"><div class="inner"><div>Container</div><div>query</div></div></div><div class="cq" style="width:60%"><div class="inner"><div>Narrow</div><div>container</div></div></div><div class="nest"><p>Nested rule text</p><p class="ranged">Icons \\uEA60 in text: &#xEA60;&#xEA61;&#xEA62; abc</p></div>
   <div class="zoomed">Zoomed 1.5× text <button>Zoomed</button></div><div class="ar"></div><div class="inset"><span>inset</span></div>
   <div class="tablebox"><table><thead><tr><th>Name</th><th>Qty</th><th>Price</th></tr></thead><tbody>${Array.from({ length: 30 }, (_, i) => `<tr><td>Row ${i}</td><td>${i * 3}</td><td>$${i}.00</td></tr>`).join('')}</tbody></table></div>
   <div style="grid-column: span 2"><div class="carousel">${Array.from({ length: 12 }, (_, i) => `<div style="background:hsl(${i * 30} 60% 50%)">Slide ${i}</div>`).join('')}</div></div></div>
   ${Array.from({ length: 4 }, (_, i) => `<details ${i % 2 ? '' : 'open'}><summary>Question ${i}</summary><p>${para(2, i)}</p></details>`).join('')}
   <div class="gallery">${Array.from({ length: 30 }, (_, i) => `<div class="${i % 5 === 0 ? 'w' : ''} ${i % 7 === 0 ? 't' : ''}" style="background:hsl(${i * 47 % 360} 50% 60%)"></div>`).join('')}</div><p style="margin:20px">${para(20)}</p>
   <script>document.querySelector('.tablebox').scrollTop = 150; document.querySelector('.carousel').scrollLeft = 470;</script>`);

/** A dark site: color-scheme dark on the root, dark scrollbars, native controls, code blocks, translucent cards. */
const dark = () => page('Dark', `
  :root { color-scheme: dark; } body { background: #0d1117; color: #c9d1d9; } a { color: #58a6ff; } .layout { display: grid; grid-template-columns: 260px 1fr; gap: 24px; padding: 24px; }
  aside { position: sticky; top: 24px; align-self: start; background: #161b22; border: 1px solid #30363d; border-radius: 8px; padding: 12px; } .card { background: rgb(255 255 255 / .04); border: 1px solid #30363d; border-radius: 8px; padding: 16px; margin-bottom: 16px; }
  pre { background: #161b22; padding: 12px; border-radius: 6px; overflow-x: auto; white-space: pre; } .scroll { height: 140px; overflow-y: scroll; border: 1px solid #30363d; padding: 8px; }
  input, select, textarea, button { font: inherit; } .label { display: inline-block; border: 1px solid #3fb950; color: #3fb950; border-radius: 2em; padding: 0 8px; font-size: 12px; }`,
  `<div class="layout"><aside><input placeholder="Filter" style="width:100%;box-sizing:border-box"><ul>${Array.from({ length: 12 }, (_, i) => `<li><a href="#">Repository ${i}</a></li>`).join('')}</ul><select><option>main</option></select> <button>New</button></aside>
   <main>${Array.from({ length: 8 }, (_, i) => `<div class="card"><h3>Issue #${i + 100} <span class="label">bug</span></h3><p>${para(3, i)}</p><pre>$ git commit -m "a very long line of code that keeps going past the edge of the box so it scrolls sideways ${i}"</pre>${i === 1 ? `<div class="scroll">${para(15)}</div><input type="checkbox" checked> <input type="radio" checked> <input type="range"> <progress value="30" max="100"></progress><textarea>${para(1)}</textarea>` : ''}</div>`).join('')}</main></div>`);

// Pages of misses found after the corpus above (helper "fidgaps").

/** A web font split by unicode-range into subsets of one family, as Google Fonts serves them: each its own file; text mixes subsets and words none covers. */
const webfonts = () => page('Web fonts', `
  @font-face { font-family: "Split Icons"; src: url(/fonts/icons-latin.ttf) format("truetype"); unicode-range: U+EA60-EA6F; }
  @font-face { font-family: "Split Icons"; src: url(/fonts/icons-latin-ext.ttf) format("truetype"); unicode-range: U+EA70-EA7F; }
  @font-face { font-family: "Split Icons"; src: url(/fonts/icons-cyrillic.ttf) format("truetype"); unicode-range: U+EA80-EA9F; }
  @font-face { font-family: "Split Icons"; src: url(/fonts/icons-greek.ttf) format("truetype"); unicode-range: U+EAA0-EAFF; }
  .i, h2, nav, button { font-family: "Split Icons", 'DejaVu Sans', sans-serif; } nav { display: flex; gap: 24px; padding: 12px 24px; background: #0b5394; color: #fff; font-size: 18px; }
  main { max-width: 900px; margin: 0 auto; padding: 12px 24px; } .row { display: flex; gap: 12px; flex-wrap: wrap; } .row button { font: inherit; font-size: 16px; padding: 8px 14px; border: 1px solid #adb5bd; border-radius: 6px; background: #f8f9fa; }
  h2 { font-size: 28px; } .big { font-size: 40px; color: #0b5394; }`,
  `<nav>${Array.from({ length: 5 }, (_, i) => `<span>${String.fromCodePoint(0xea60 + i)} Menu ${i}</span>`).join('')}</nav><main>
   ${Array.from({ length: 8 }, (_, s) => `<h2>${String.fromCodePoint(0xea70 + s)} Section ${s}</h2><p class="big i">${Array.from({ length: 8 }, (_, k) => String.fromCodePoint([0xea60, 0xea70, 0xea80][k % 3] + s + k)).join(' ')}</p>
   <div class="row">${Array.from({ length: 4 }, (_, k) => `<button>${String.fromCodePoint([0xea61, 0xea72, 0xea83, 0xea64][k] + s)} Action ${k}</button>`).join('')}</div><p>${para(3, s)} <span class="i">${String.fromCodePoint(0xea65 + s)} ${String.fromCodePoint(0xea75 + s)}</span></p>`).join('')}</main>`);

/** Form fields whose state lives in properties only: text areas scrolled down and across, a scrolled list box, indeterminate checkboxes. */
const fields = () => {
  const lines = Array.from({ length: 40 }, (_, i) => `Line ${i}: ${para(1, i).slice(0, 20 + ((i * 17) % 60))}`).join('\n');
  return page('Fields', `
  form { max-width: 900px; margin: 24px auto; display: grid; grid-template-columns: 1fr 1fr; gap: 20px; } label { display: grid; gap: 4px; font-weight: 600; }
  textarea { font: 14px/1.45 'DejaVu Sans Mono', monospace; padding: 8px 10px; border: 1px solid #ced4da; border-radius: 6px; } .plain { font: 15px/1.4 'DejaVu Sans', sans-serif; border: 2px solid #0d6efd; background: #f8fbff; }
  select { font: inherit; } .checks label { display: flex; gap: 8px; align-items: center; font-weight: 400; } .big { width: 24px; height: 24px; } .pink { accent-color: #d63384; }`,
  `<form><label>Notes <textarea rows="8" class="down">${lines}</textarea></label><label>Log <textarea rows="8" wrap="off" class="across">${lines.replace(/\n/g, ' — and a long tail that runs past the edge\n')}</textarea></label>
   <label>Message <textarea rows="6" class="plain down">${para(20)}</textarea></label><label>Choices <select multiple size="6" class="list">${Array.from({ length: 30 }, (_, i) => `<option${i % 7 === 3 ? ' selected' : ''}>Choice ${i}</option>`).join('')}</select></label>
   <div class="checks">${Array.from({ length: 6 }, (_, i) => `<label><input type="checkbox" class="ind ${i % 2 ? 'big' : ''} ${i > 3 ? 'pink' : ''}" ${i === 2 ? 'checked' : ''}> Select all ${i}</label>`).join('')}</div>
   <div class="checks"><label><input type="checkbox" checked> Checked</label><label><input type="checkbox"> Unchecked</label><progress></progress><meter value="0.4"></meter></div>
   ${Array.from({ length: 6 }, (_, i) => `<label>More ${i} <textarea rows="3">${para(2, i)}</textarea></label>`).join('')}</form>
   <script>for (const t of document.querySelectorAll('textarea.down')) t.scrollTop = 97; for (const t of document.querySelectorAll('textarea.across')) { t.scrollTop = 45; t.scrollLeft = 120; }
   document.querySelector('select.list').scrollTop = 70; for (const c of document.querySelectorAll('.ind')) c.indeterminate = true;</script>`);
};

/**
 * A settings page of icon fonts and styled controls (5 December red team): icons in `<i>` set
 * upright as icon kits do, tags the browser makes italic or keeps unwrapped restyled, and the
 * parts of native controls the page styles (range thumb and track, file button, progress, meter).
 */
const widgets = () => page('Widgets', `
  main { max-width: 880px; margin: 24px auto; padding: 0 16px; }
  i.fa { font-family: "Corpus Icons"; font-style: normal; font-size: 28px; color: #0d6efd; margin-right: 8px; } i.fa::before { content: "\\ea60"; }
  em.n, cite.n, var.n, address { font-style: normal; } pre.wrap { white-space: normal; font: inherit; background: #f8f9fa; padding: 12px; }
  .row { display: flex; align-items: center; gap: 16px; margin: 14px 0; } label { width: 160px; }
  input[type=range] { appearance: none; width: 360px; height: 8px; border-radius: 4px; background: #cfe2ff; }
  input[type=range]::-webkit-slider-thumb { appearance: none; width: 28px; height: 28px; border-radius: 50%; background: #d63384; border: 3px solid #fff; box-shadow: 0 1px 3px rgb(0 0 0 / 0.4); }
  input[type=file] { font-size: 15px; } input[type=file]::file-selector-button { background: #198754; color: #fff; border: 0; border-radius: 20px; padding: 8px 20px; margin-right: 12px; }
  progress { appearance: none; width: 360px; height: 16px; } progress::-webkit-progress-bar { background: #e9ecef; border-radius: 8px; } progress::-webkit-progress-value { background: #dc3545; border-radius: 8px; }
  meter { width: 360px; height: 16px; } meter::-webkit-meter-bar { background: #212529; border-radius: 4px; } meter::-webkit-meter-optimum-value { background: #ffc107; }
`, `<main><h1><i class="fa"></i>Settings</h1>
  <p><em class="n">Set upright</em> beside <em>emphasis</em>, a <cite class="n">cited title</cite>, a <var class="n">variable</var>. ${para(3)}</p>
  ${Array.from({ length: 8 }, (_, i) => `<div class="row"><label><i class="fa"></i>Level ${i}</label><input type="range" value="${10 + i * 11}"></div>
  <div class="row"><label>Upload ${i}</label><input type="file"></div>
  <div class="row"><label>Progress ${i}</label><progress value="${20 + i * 9}" max="100"></progress></div>
  <div class="row"><label>Load ${i}</label><meter value="${0.1 + i * 0.1}"></meter></div>`).join('')}
  <pre class="wrap">${para(6)}</pre><address>1 Main Street, Springfield</address></main>`);

/** name -> html; every page is measured at the top and scrolled (window, half its scroll range up to 1 600 px). */
/** A product page on a body gradient (painted on the canvas, sized against the whole document), with an embedded same-origin frame in its default border. */
const saas = () => page('SaaS', `
  body { background: linear-gradient(135deg, #667eea 0%, #764ba2 100%); color: #fff; } .wrap { max-width: 960px; margin: 0 auto; padding: 32px; }
  .card { background: rgb(255 255 255 / .14); border-radius: 12px; padding: 20px; margin: 16px 0; } .card h3 { margin-top: 0; }
  iframe { width: 100%; height: 180px; background: #fff; }`,
  `<div class="wrap"><h1>Ship faster together</h1><p>${para(3)}</p>${Array.from({ length: 4 }, (_, i) => `<div class="card"><h3>Plan ${i}</h3><p>${para(2, i)}</p></div>`).join('')}
   <iframe srcdoc="<style>body { margin: 12px; font: 15px/1.5 sans-serif; background: #fffbea; color: #333; }</style><h3>Embedded widget</h3><p>${para(2, 7)}</p>"></iframe>
   ${Array.from({ length: 6 }, (_, i) => `<div class="card"><h3>Story ${i}</h3><p>${para(3, 10 + i)}</p></div>`).join('')}</div>`);

/** A handbook on an 18px body: headings, small and sub in px equal to the browser's defaults at 16px, light text with strong, code in 13px monospace, captioned tables (rt19f). */
const handbook = () => page('Handbook', `
  body { font: 300 18px/1.7 'DejaVu Sans', sans-serif; } main { max-width: 860px; margin: 0 auto; padding: 24px; }
  h1 { font-size: 32px; } h2 { font-size: 24px; } h3 { font-size: 18.72px; } strong, b { font-weight: 700; } small, sub, sup { font-size: 13.3333px; }
  pre { font: 13px/1.6 monospace; background: #f6f8fa; padding: 12px; border-radius: 6px; } code { font-size: 13px; background: #f0f0f0; padding: 1px 4px; }
  table { border-collapse: collapse; width: 70%; margin: 16px 0; } caption { font-weight: 700; padding: 6px; } th, td { border: 1px solid #ccc; padding: 4px 10px; text-align: left; }`,
  `<main>${Array.from({ length: 4 }, (_, i) => `<h1>Chapter ${i}</h1><p>Our <strong>handbook ${i}</strong> explains <b>how we work</b>. ${para(3, i)} <small>Updated ${i} days ago</small> H<sub>2</sub>O x<sup>2</sup>.</p>
   <h2>Setup</h2><p>Run <code>make install-${i}</code> and then ${para(2, i + 3)}</p><pre>const chapter${i} = load("handbook", { section: ${i} });\nchapter${i}.render(document.body);</pre>
   <table style="caption-side: ${i % 2 ? 'bottom' : 'top'}"><caption>Table ${i}: plans</caption><tr><th>Plan</th><th>Seats</th></tr><tr><td>Basic</td><td>5</td></tr><tr><td>Team</td><td>50</td></tr></table>
   <h3>Notes</h3><p>${para(2, i + 7)}</p>`).join('')}</main>`);

/** A support widget over a page: a fixed panel whose messages (a flex column) are scrolled to the latest (fid30: the messages culled above were emptied and shrank). */
const supportWidget = () => page('Support widget', `
  .page { padding: 24px; } .fab { position: fixed; right: 24px; bottom: 24px; width: 56px; height: 56px; border-radius: 50%; background: #2563eb; box-shadow: 0 10px 25px rgb(37 99 235 / .5); display: grid; place-items: center; color: #fff; }
  .panel { position: fixed; right: 24px; bottom: 96px; width: 360px; height: 480px; background: #fff; border-radius: 16px; box-shadow: 0 20px 60px rgb(0 0 0 / .2); display: flex; flex-direction: column; overflow: hidden; }
  .panel header { background: linear-gradient(135deg, #2563eb, #7c3aed); color: #fff; padding: 16px; } .msgs { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 8px; overscroll-behavior: contain; }
  .m { max-width: 75%; padding: 8px 12px; border-radius: 16px; background: #f1f5f9; } .m.me { align-self: flex-end; background: #2563eb; color: #fff; border-bottom-right-radius: 4px; }
  .composer { display: flex; border-top: 1px solid #e2e8f0; } .composer textarea { flex: 1; border: 0; resize: none; padding: 12px; font: inherit; }`,
  `<div class="page">${Array.from({ length: 16 }, (_, i) => `<p>${para(4, i)}</p>`).join('')}</div><div class="panel"><header><b>Support</b><div style="font-size:13px;opacity:.8">We reply in a few minutes</div></header><div class="msgs" id="msgs">${Array.from({ length: 20 }, (_, i) => `<div class="m ${i % 2 ? 'me' : ''}">${i % 2 ? 'Thanks!' : para(1, i)}</div>`).join('')}</div><div class="composer"><textarea placeholder="Write a message">Hello, I have a question</textarea></div></div><div class="fab">?</div>
   <script>const m = document.getElementById('msgs'); m.scrollTop = m.scrollHeight;</script>`);

export const CORPUS = [
  ['landing', landing()], ['album', album()], ['pricing', pricing()], ['article', article()], ['form', form()],
  ['docs', docs()], ['charts', charts()], ['shop', shop()], ['banner', banner()], ['rtl', rtl()], ['news', news()],
  ['modal', modal()], ['chat', chat()],
  ['controls', controls()], ['effects', effects()], ['typography', typography()], ['media', media()], ['modern', modern()], ['dark', dark()],
  ['webfonts', webfonts()], ['fields', fields()], ['widgets', widgets()], ['saas', saas()], ['handbook', handbook()], ['support-widget', supportWidget()],
  ...BENCH_PAGES.map((p) => [`bench-${p.name}`, p.html]),
].map(([name, html]) => ({ name, html }));

/**
 * Scrolls the view: the window by half its range (at most 1 600 px), or, on an app shell whose
 * window does not scroll, its first scrolled pane by half of that one's range. False when nothing
 * scrolls.
 */
export function scrollHalf() {
  const root = document.scrollingElement;
  const range = root.scrollHeight - innerHeight;
  if (range > 100) {
    window.scrollTo(0, Math.min(1600, Math.round(range / 2)));
    return true;
  }
  for (const el of document.querySelectorAll('body *')) {
    const cs = getComputedStyle(el);
    if (!/auto|scroll/.test(cs.overflowY) || el.scrollHeight - el.clientHeight < 100) continue;
    el.scrollTop = Math.round((el.scrollHeight - el.clientHeight) / 2);
    return true;
  }
  return false;
}

