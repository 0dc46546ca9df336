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

/** name -> html; every page is measured at the top and scrolled (window, half its scroll range up to 1 600 px). */
export const CORPUS = [
  ['landing', landing()], ['album', album()], ['pricing', pricing()], ['article', article()], ['form', form()],
  ['docs', docs()], ['charts', charts()], ['shop', shop()], ['banner', banner()], ['rtl', rtl()], ['news', news()],
  ['modal', modal()], ['chat', chat()],
  ...BENCH_PAGES.map((p) => [`bench-${p.name}`, p.html]),
].map(([name, html]) => ({ name, html }));
