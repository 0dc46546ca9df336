// The reference pages of the capture benchmark, generated here so the bench needs no network and
// no fixtures: a checkout form (~300 elements), a long content page (~3000 elements with images,
// tables, gradients and shadows), a page built of shadow-DOM components, and two heavy ones: a
// 5 000-row table (~40 000 elements, ~25 rows on screen) and a ~15 000-element dashboard.
// Every page is deterministic (seeded text, images drawn from formulas) so runs compare.
import { deflateSync } from 'node:zlib';

/** Small deterministic PRNG (mulberry32), so the pages are the same on every run. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ('trail ridge summit lantern canvas harbour meadow granite fjord cedar ember willow basalt ' +
  'compass tundra glacier orchard delta marsh cobble thistle prairie alder bramble quartz ferry ' +
  'beacon heather juniper lagoon mesa nimbus oasis pebble quarry rapids saddle timber upland valley').split(' ');

function words(rand, n) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(WORDS[Math.floor(rand() * WORDS.length)]);
  out[0] = out[0][0].toUpperCase() + out[0].slice(1);
  return out.join(' ');
}

// --- PNG images drawn from formulas (no network, real raster images) -----------------------------

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** An RGB PNG of `w` x `h` whose pixel (x, y) is `paint(x, y)` -> [r, g, b]. */
function png(w, h, paint) {
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0;
    for (let x = 0; x < w; x++) {
      const [r, g, b] = paint(x, y);
      const i = y * (w * 3 + 1) + 1 + x * 3;
      raw[i] = r; raw[i + 1] = g; raw[i + 2] = b;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; ihdr[9] = 2; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  const file = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0)),
  ]);
  return `data:image/png;base64,${file.toString('base64')}`;
}

/** A "photo": a landscape of hills over a sky gradient, varied by `seed`. */
function photo(seed, w = 240, h = 150) {
  const r = rng(seed);
  const hue = [r() * 80 + 40, r() * 80 + 100, r() * 60 + 140];
  const hills = [0.45 + r() * 0.2, 0.6 + r() * 0.2].map((base) => ({ base, amp: 8 + r() * 14, freq: 0.02 + r() * 0.04, ph: r() * 6 }));
  return png(w, h, (x, y) => {
    for (let i = hills.length - 1; i >= 0; i--) {
      const hl = hills[i];
      const top = h * hl.base + Math.sin(x * hl.freq + hl.ph) * hl.amp;
      if (y > top) {
        const k = i === 0 ? 0.55 : 0.35;
        return [hue[0] * k, hue[1] * (k + 0.25), hue[2] * k * 0.6].map((v) => Math.round(v + ((x * 7 + y * 13) % 9)));
      }
    }
    const t = y / h;
    return [Math.round(120 + 100 * t), Math.round(170 + 60 * t), 235];
  });
}

// --- shared page chrome -----------------------------------------------------------------------

const BASE_CSS = `
  * { box-sizing: border-box; }
  html { background: #f5f3ee; }
  body { margin: 0; font: 15px/1.5 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif; color: #1f2933; }
  .top { position: sticky; top: 0; z-index: 10; display: flex; align-items: center; gap: 24px; height: 56px; padding: 0 32px;
         background: linear-gradient(90deg, #14532d, #166534 60%, #15803d); color: #fff; box-shadow: 0 2px 8px rgb(0 0 0 / 0.25); }
  .top .logo { font-weight: 700; font-size: 18px; letter-spacing: 0.5px; }
  .top nav { display: flex; gap: 18px; flex: 1; }
  .top nav a { color: #ecfdf5; text-decoration: none; }
  .pill { background: rgb(255 255 255 / 0.16); border-radius: 999px; padding: 3px 14px; font-size: 13px; }
  .help { position: fixed; right: 24px; bottom: 24px; z-index: 20; width: 56px; height: 56px; border-radius: 50%;
          background: radial-gradient(circle at 30% 30%, #60a5fa, #1d4ed8); box-shadow: 0 6px 18px rgb(29 78 216 / 0.45);
          color: #fff; display: grid; place-items: center; font-weight: 700; }
`;

function topBar(rand) {
  const links = Array.from({ length: 6 }, () => `<a href="#">${words(rand, 1)}</a>`).join('');
  return `<header class="top"><span class="logo">Northwind</span><nav>${links}</nav><span class="pill">Cart · 3</span><span class="pill" id="bench-tick">0</span></header>`;
}

function doc(title, css, body, script = '') {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>${BASE_CSS}${css}</style></head><body>${body}<div class="help" aria-label="Help">?</div>${script}</body></html>`;
}

// --- page 1: checkout form -----------------------------------------------------------------------

function checkout() {
  const rand = rng(1);
  const css = `
    main { display: grid; grid-template-columns: minmax(0, 1fr) 340px; gap: 24px; max-width: 1160px; margin: 24px auto; padding: 0 24px; }
    h1 { margin: 0 0 16px; font-size: 28px; }
    .card { background: #fff; border: 1px solid #d9dee5; border-radius: 14px; padding: 20px 24px; margin-bottom: 18px; box-shadow: 0 1px 3px rgb(0 0 0 / 0.06); }
    .card h2 { margin: 0 0 14px; font-size: 17px; }
    .grid { display: grid; grid-template-columns: 1fr 1fr; gap: 12px 18px; }
    label { display: flex; flex-direction: column; gap: 5px; font-size: 13px; font-weight: 600; }
    input, select, textarea { font: inherit; font-weight: 400; color: #1f2933; background: #fbfbfc; border: 1px solid #b8c0cc;
      border-radius: 8px; padding: 8px 10px; width: 100%; }
    label.check { flex-direction: row; align-items: center; gap: 8px; font-weight: 400; }
    label.check input { width: 18px; height: 18px; accent-color: #166534; }
    .opt { flex-direction: row; align-items: center; gap: 10px; font-weight: 400; border: 1px solid #d9dee5; border-radius: 10px; padding: 10px 12px; }
    .opt input { width: 18px; height: 18px; accent-color: #166534; }
    .opt span { flex: 1; }
    aside .line { display: flex; gap: 12px; align-items: center; padding: 8px 0; border-bottom: 1px solid #eef0f3; }
    aside img { width: 56px; height: 42px; border-radius: 6px; object-fit: cover; }
    aside .line div { flex: 1; font-size: 13px; }
    .total { display: flex; justify-content: space-between; font-weight: 700; font-size: 18px; margin-top: 12px; }
    .buy { font: inherit; font-weight: 700; color: #fff; background: linear-gradient(#16a34a, #166534); border: 0; border-radius: 999px;
      padding: 12px 30px; box-shadow: 0 4px 10px rgb(22 101 52 / 0.35); }
    .faq p { margin: 6px 0; font-size: 13px; color: #52606d; }
    .recs { display: grid; grid-template-columns: repeat(3, 1fr); gap: 12px; }
    .rec { border: 1px solid #e4e7eb; border-radius: 10px; padding: 10px; font-size: 13px; }
    .rec img { width: 100%; height: 70px; object-fit: cover; border-radius: 6px; }
    .rec button { font: inherit; border: 1px solid #166534; color: #166534; background: #fff; border-radius: 999px; padding: 3px 12px; }
    footer { background: #1f2933; color: #cbd2d9; padding: 32px 48px; display: grid; grid-template-columns: repeat(4, 1fr); gap: 24px; font-size: 13px; }
    footer ul { list-style: none; margin: 0; padding: 0; }
    footer a { color: #cbd2d9; }
  `;
  const field = (label, attrs = '', value = '') => `<label>${label}<input ${attrs} value="${value}"></label>`;
  const sections = [];
  sections.push(`<section class="card"><h2>1. Contact</h2><div class="grid">
    ${field('Full name', 'id="name" autocomplete="name" placeholder="Ada Lovelace"')}
    ${field('Email', 'id="email" type="email" placeholder="ada@example.com"')}
    ${field('Phone', 'type="tel" placeholder="+44 20 7946 0000"')}
    <label class="check"><input id="news" type="checkbox"> Send me trail news</label></div></section>`);
  sections.push(`<section class="card"><h2>2. Shipping address</h2><div class="grid">
    ${field('Street', 'placeholder="12 Harbour Road"')}${field('Apartment')}
    ${field('Postal code', 'placeholder="SW1A 1AA"')}${field('City', 'placeholder="London"')}
    <label>Country<select id="country">${['United Kingdom', 'Ireland', 'Germany', 'Spain', 'France', 'Netherlands'].map((c) => `<option>${c}</option>`).join('')}</select></label>
    <label>Delivery notes<textarea id="notes" rows="2" placeholder="Leave with the neighbour"></textarea></label></div></section>`);
  sections.push(`<section class="card"><h2>3. Delivery</h2><div style="display:grid;gap:8px">
    ${['Standard', 'Express', 'Collect in store'].map((d, i) => `<label class="opt"><input type="radio" name="d" id="d${i}" ${i === 0 ? 'checked' : ''}><span><b>${d}</b> ${words(rand, 4)}</span><b>${i ? '£6.95' : 'Free'}</b></label>`).join('')}
    </div></section>`);
  sections.push(`<section class="card"><h2>4. Payment</h2><div class="grid">
    ${field('Card number', 'id="card" autocomplete="cc-number"', '4242 4242 4242 4242')}
    ${field('Name on card', 'autocomplete="cc-name"')}
    ${field('Expiry', 'autocomplete="cc-exp"', '12/29')}${field('CVC', 'autocomplete="cc-csc"', '123')}
    <label class="check"><input type="checkbox" checked> Billing address same as shipping</label></div>
    <p style="margin:14px 0 0"><button class="buy" type="button">Place order</button></p></section>`);
  sections.push(`<section class="card"><h2>You might also need</h2><div class="recs">${Array.from({ length: 6 }, (_, i) => `<div class="rec"><img alt="" src="${photo(20 + i, 120, 70)}"><p><b>${words(rand, 2)}</b><br><span>${words(rand, 5)}</span></p><button type="button">Add · £${(9 + i * 4).toFixed(2)}</button></div>`).join('')}</div></section>`);
  sections.push(`<section class="card faq"><h2>Questions</h2>${Array.from({ length: 16 }, () => `<p><b>${words(rand, 4)}?</b> ${words(rand, 18)}.</p>`).join('')}</section>`);
  const lines = Array.from({ length: 5 }, (_, i) => `<div class="line"><img alt="" src="${photo(10 + i, 112, 84)}"><div><b>${words(rand, 2)}</b><br>${words(rand, 4)}</div><b>£${(20 + i * 13).toFixed(2)}</b></div>`).join('');
  const aside = `<aside><section class="card" style="position:sticky;top:72px"><h2>Order summary</h2>${lines}
    <div class="total"><span>Total</span><span>£142.50</span></div></section></aside>`;
  const footer = `<footer>${Array.from({ length: 4 }, () => `<div><h3>${words(rand, 1)}</h3><ul>${Array.from({ length: 10 }, () => `<li><a href="#">${words(rand, 2)}</a></li>`).join('')}</ul></div>`).join('')}</footer>`;
  return doc('Checkout', css, `${topBar(rand)}<main><div><h1>Checkout</h1><form>${sections.join('')}</form></div>${aside}</main>${footer}`);
}

// --- page 2: long content page -------------------------------------------------------------------

function content() {
  const rand = rng(2);
  const css = `
    .hero { height: 260px; background: linear-gradient(135deg, #0f766e 0%, #0e7490 45%, #6d28d9 100%); color: #fff; padding: 60px 80px; }
    .hero h1 { margin: 0; font-size: 40px; text-shadow: 0 2px 6px rgb(0 0 0 / 0.3); }
    .cols { display: grid; grid-template-columns: 220px minmax(0, 1fr); gap: 28px; max-width: 1200px; margin: 24px auto; padding: 0 24px; }
    .toc { position: sticky; top: 72px; align-self: start; background: #fff; border-radius: 10px; padding: 12px 16px; box-shadow: 0 1px 4px rgb(0 0 0 / 0.08); }
    .toc a { display: block; font-size: 13px; color: #0e7490; text-decoration: none; padding: 2px 0; }
    article section { background: #fff; border-radius: 12px; padding: 20px 24px; margin-bottom: 20px; box-shadow: 0 2px 10px rgb(15 23 42 / 0.08); }
    article h2 { margin: 0 0 10px; font-size: 22px; background: linear-gradient(90deg, #0f766e, #6d28d9); -webkit-background-clip: text; background-clip: text; color: transparent; }
    .cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 14px; margin: 14px 0; }
    .tile { border-radius: 10px; overflow: hidden; background: #f8fafc; box-shadow: 0 4px 12px rgb(0 0 0 / 0.12); }
    .tile img { display: block; width: 100%; height: 96px; object-fit: cover; }
    .tile p { margin: 6px 10px 10px; font-size: 12px; }
    .tile .tag { display: inline-block; margin: 8px 10px 0; padding: 1px 8px; border-radius: 999px; font-size: 11px; color: #fff; background: linear-gradient(90deg, #f59e0b, #ef4444); }
    table { width: 100%; border-collapse: collapse; font-size: 13px; margin: 10px 0; }
    th { text-align: left; background: #f1f5f9; padding: 6px 8px; border-bottom: 2px solid #cbd5e1; }
    td { padding: 5px 8px; border-bottom: 1px solid #e2e8f0; }
    tr:nth-child(even) td { background: #fafafa; }
    td.num { text-align: right; font-variant-numeric: tabular-nums; }
    .bar { height: 8px; border-radius: 4px; background: linear-gradient(90deg, #22c55e, #eab308, #ef4444); }
    ul.facts { columns: 2; font-size: 14px; }
    blockquote { margin: 12px 0; padding: 10px 16px; border-left: 4px solid #6d28d9; background: #f5f3ff; font-style: italic; }
    footer { background: #0f172a; color: #cbd5e1; padding: 40px; }
  `;
  const toc = [];
  const sections = [];
  for (let s = 0; s < 14; s++) {
    const title = words(rand, 3);
    toc.push(`<a href="#s${s}">${title}</a>`);
    const paras = Array.from({ length: 3 }, () => `<p>${words(rand, 26)} <a href="#">${words(rand, 2)}</a> ${words(rand, 20)}.</p>`).join('');
    const cards = `<div class="cards">${Array.from({ length: 8 }, (_, i) => `<div class="tile"><img alt="" src="${photo(100 + s * 8 + i)}"><span class="tag">${words(rand, 1)}</span><p><b>${words(rand, 2)}</b> ${words(rand, 7)}</p></div>`).join('')}</div>`;
    const rows = Array.from({ length: 14 }, (_, r) => `<tr><td>${r + 1}</td><td>${words(rand, 2)}</td><td class="num">${(rand() * 1000).toFixed(2)}</td><td class="num">${Math.floor(rand() * 100)}%</td><td><div class="bar" style="width:${Math.floor(20 + rand() * 80)}%"></div></td><td><span class="pill" style="background:#e0f2fe;color:#075985">${words(rand, 1)}</span></td></tr>`).join('');
    const table = `<table><thead><tr><th>#</th><th>Name</th><th>Value</th><th>Share</th><th>Trend</th><th>Kind</th></tr></thead><tbody>${rows}</tbody></table>`;
    const facts = `<ul class="facts">${Array.from({ length: 8 }, () => `<li><b>${words(rand, 1)}</b> ${words(rand, 6)}</li>`).join('')}</ul>`;
    sections.push(`<section id="s${s}"><h2>${title}</h2>${paras}${cards}${table}<blockquote>${words(rand, 20)}</blockquote>${facts}</section>`);
  }
  const footer = `<footer>${Array.from({ length: 4 }, () => `<p>${words(rand, 30)}</p>`).join('')}</footer>`;
  return doc('Field guide', css,
    `${topBar(rand)}<div class="hero"><h1>${words(rand, 4)}</h1><p>${words(rand, 16)}</p></div>
     <div class="cols"><nav class="toc">${toc.join('')}</nav><article>${sections.join('')}</article></div>${footer}`);
}

// --- page 3: shadow-DOM components -----------------------------------------------------------------

function components() {
  const rand = rng(3);
  const css = `
    main { max-width: 1200px; margin: 24px auto; padding: 0 24px; }
    .row { display: grid; grid-template-columns: repeat(3, 1fr); gap: 18px; margin-bottom: 18px; }
  `;
  const cards = [];
  for (let i = 0; i < 36; i++) {
    const specs = Array.from({ length: 4 }, () => `<x-spec name="${words(rand, 1)}">${words(rand, 2)}</x-spec>`).join('');
    cards.push(`<x-product price="${(10 + rand() * 200).toFixed(2)}" img="${i}" ${i % 5 === 0 ? 'sale' : ''}>
      <span slot="title">${words(rand, 3)}</span>${words(rand, 14)}${specs}
      <x-rating value="${1 + Math.floor(rand() * 5)}"></x-rating></x-product>`);
  }
  const rows = [];
  for (let i = 0; i < cards.length; i += 3) rows.push(`<div class="row">${cards.slice(i, i + 3).join('')}</div>`);
  const images = Array.from({ length: 12 }, (_, i) => photo(300 + i, 200, 120));
  const script = `<script>
    const IMAGES = ${JSON.stringify(images)};
    customElements.define('x-spec', class extends HTMLElement {
      connectedCallback() {
        if (this.shadowRoot) return;
        this.attachShadow({ mode: 'open' }).innerHTML = '<style>:host{display:flex;gap:8px;font-size:12px;padding:2px 0;border-bottom:1px dashed #e2e8f0}b{width:70px;color:#64748b}</style><b></b><span><slot></slot></span>';
        this.shadowRoot.querySelector('b').textContent = this.getAttribute('name');
      }
    });
    customElements.define('x-rating', class extends HTMLElement {
      connectedCallback() {
        if (this.shadowRoot) return;
        const v = Number(this.getAttribute('value'));
        let stars = '';
        for (let i = 0; i < 5; i++) stars += '<i class="' + (i < v ? 'on' : '') + '"></i>';
        this.attachShadow({ mode: 'open' }).innerHTML = '<style>:host{display:flex;gap:3px;margin-top:8px}i{width:14px;height:14px;clip-path:polygon(50% 0,61% 35%,98% 35%,68% 57%,79% 91%,50% 70%,21% 91%,32% 57%,2% 35%,39% 35%);background:#cbd5e1}i.on{background:linear-gradient(#fbbf24,#f59e0b)}</style>' + stars;
      }
    });
    customElements.define('x-product', class extends HTMLElement {
      connectedCallback() {
        if (this.shadowRoot) return;
        const root = this.attachShadow({ mode: 'open' });
        root.innerHTML = '<style>:host{display:block;background:#fff;border-radius:14px;overflow:hidden;box-shadow:0 4px 14px rgb(15 23 42 / 0.12)}'
          + 'img{display:block;width:100%;height:120px;object-fit:cover}.body{padding:12px 16px}h3{margin:0 0 6px;font-size:16px}'
          + '.price{font-weight:700;color:#166534}.sale{position:absolute;margin:8px;padding:2px 10px;border-radius:999px;color:#fff;background:linear-gradient(90deg,#ef4444,#f97316)}'
          + 'button{margin-top:10px;font:inherit;border:0;border-radius:8px;padding:6px 14px;color:#fff;background:#1d4ed8;box-shadow:0 2px 6px rgb(29 78 216 / 0.4)}p{margin:4px 0;font-size:13px;color:#334155}</style>'
          + (this.hasAttribute('sale') ? '<span class="sale">Sale</span>' : '')
          + '<img alt=""><div class="body"><h3><slot name="title"></slot></h3><p><slot></slot></p><span class="price"></span><br><button>Add to cart</button></div>';
        root.querySelector('img').src = IMAGES[Number(this.getAttribute('img')) % IMAGES.length];
        root.querySelector('.price').textContent = '£' + this.getAttribute('price');
      }
    });
  </script>`;
  return doc('Components', css, `${topBar(rand)}<main><h1 style="font-size:28px">${words(rand, 3)}</h1>${rows.join('')}</main>`, script);
}

// --- page 4: a 5 000-row admin table -----------------------------------------------------------------

/** An order list an admin scrolls through: 5 000 rows of 7 cells, about 25 of them on screen. */
function table() {
  const rand = rng(4);
  const css = `
    main { max-width: 1200px; margin: 16px auto; padding: 0 24px; }
    h1 { margin: 0 0 8px; font-size: 24px; }
    .filters { display: flex; gap: 10px; margin-bottom: 10px; }
    .filters input, .filters select { font: inherit; padding: 5px 8px; border: 1px solid #b8c0cc; border-radius: 6px; background: #fff; }
    table { width: 100%; border-collapse: collapse; font-size: 13px; background: #fff; }
    thead th { position: sticky; top: 56px; background: #e2e8f0; text-align: left; padding: 6px 8px; border-bottom: 2px solid #94a3b8; }
    td { padding: 4px 8px; border-bottom: 1px solid #e2e8f0; height: 28px; white-space: nowrap; }
    tbody tr:nth-child(even) td { background: #f8fafc; }
    td.num { text-align: right; font-variant-numeric: tabular-nums; }
    .st { display: inline-block; padding: 0 8px; border-radius: 999px; font-size: 12px; }
    .st.paid { background: #dcfce7; color: #166534; } .st.open { background: #fef9c3; color: #854d0e; } .st.void { background: #fee2e2; color: #991b1b; }
    td button { font: inherit; font-size: 12px; border: 1px solid #94a3b8; background: #fff; border-radius: 6px; padding: 1px 8px; }
  `;
  const states = ['paid', 'open', 'void'];
  const rows = [];
  for (let i = 0; i < 5000; i++) {
    const st = states[Math.floor(rand() * 3)];
    rows.push(`<tr><td class="num">${100000 + i}</td><td>${words(rand, 2)}</td><td>${words(rand, 1).toLowerCase()}@example.com</td>` +
      `<td><span class="st ${st}">${st}</span></td><td class="num">£${(rand() * 900 + 10).toFixed(2)}</td><td>2026-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}</td><td><button type="button">Open</button></td></tr>`);
  }
  return doc('Orders', css, `${topBar(rand)}<main><h1>Orders</h1><div class="filters"><input id="q" placeholder="Search orders"><select><option>All states</option><option>Paid</option></select></div>
    <table><thead><tr><th>Order</th><th>Customer</th><th>Email</th><th>State</th><th>Amount</th><th>Date</th><th></th></tr></thead><tbody>${rows.join('')}</tbody></table></main>`);
}

// --- page 5: a 15 000-element dashboard ----------------------------------------------------------------

/** An operations dashboard: KPI tiles, bar charts made of divs, and long activity lists in scrolled panes. */
function dashboard() {
  const rand = rng(5);
  const css = `
    body { height: 100vh; overflow: hidden; }
    .shell { display: grid; grid-template-columns: 220px minmax(0, 1fr); height: calc(100vh - 56px); }
    .side { overflow: auto; background: #0f172a; color: #cbd5e1; padding: 8px 0; }
    .side a { display: block; padding: 4px 16px; color: inherit; text-decoration: none; font-size: 13px; }
    .board { overflow: auto; padding: 16px; display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 14px; align-content: start; }
    .kpi { background: #fff; border-radius: 10px; padding: 10px 14px; box-shadow: 0 1px 4px rgb(0 0 0 / 0.1); }
    .kpi b { display: block; font-size: 22px; } .kpi small { color: #64748b; }
    .card { background: #fff; border-radius: 10px; box-shadow: 0 1px 4px rgb(0 0 0 / 0.1); padding: 10px 14px; }
    .card h3 { margin: 0 0 8px; font-size: 14px; }
    .chart { display: flex; align-items: flex-end; gap: 1px; height: 90px; border-bottom: 1px solid #cbd5e1; }
    .chart i { flex: 1; background: linear-gradient(#60a5fa, #1d4ed8); }
    .feed { height: 180px; overflow: auto; font-size: 12px; }
    .feed div { display: flex; gap: 6px; padding: 2px 0; border-bottom: 1px solid #f1f5f9; }
    .feed span:first-child { color: #64748b; width: 48px; }
    .dot { width: 8px; height: 8px; border-radius: 50%; margin-top: 4px; }
  `;
  const side = Array.from({ length: 120 }, () => `<a href="#">${words(rand, 2)}</a>`).join('');
  const kpis = Array.from({ length: 6 }, () => `<div class="kpi"><small>${words(rand, 2)}</small><b>${Math.floor(rand() * 90000)}</b><small>${(rand() * 20 - 10).toFixed(1)}% this week</small></div>`).join('');
  const cards = [];
  for (let c = 0; c < 20; c++) {
    if (c % 2 === 0) {
      const bars = Array.from({ length: 120 }, () => `<i style="height:${Math.floor(5 + rand() * 95)}%"></i>`).join('');
      cards.push(`<section class="card"><h3>${words(rand, 3)}</h3><div class="chart">${bars}</div></section>`);
    } else {
      const colours = ['#22c55e', '#eab308', '#ef4444', '#3b82f6'];
      const items = Array.from({ length: 330 }, (_, i) => `<div><span>${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}</span><span class="dot" style="background:${colours[i % 4]}"></span><span>${words(rand, 5)}</span></div>`).join('');
      cards.push(`<section class="card"><h3>${words(rand, 3)}</h3><div class="feed">${items}</div></section>`);
    }
  }
  return doc('Dashboard', css, `${topBar(rand)}<div class="shell"><nav class="side">${side}</nav><div class="board">${kpis}${cards.join('')}</div></div>`);
}

/**
 * name -> { html, prepare, beforeChange?, change?, afterChange? }: `prepare(page)` puts the page in
 * the state it is measured in; `change(page)` is the page's one-character change (default: a
 * character added to text on screen), with `beforeChange`/`afterChange` around the capture runs.
 */
export const PAGES = [
  {
    name: 'checkout',
    html: checkout(),
    /** A visitor half-way through the form: typed, chose, ticked. */
    async prepare(page) {
      await page.fill('#name', 'Grace Hopper');
      await page.fill('#email', 'grace@example.com');
      await page.selectOption('#country', 'Germany');
      await page.fill('#notes', 'Ring twice, then wait.');
      await page.check('#news');
      await page.check('#d1');
      await page.evaluate(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
    },
    /** The visitor types one character into the email field (focused before the loop starts). */
    beforeChange: (page) => page.focus('#email'),
    change: (page) => page.keyboard.type('x'),
    afterChange: (page) => page.evaluate(() => document.activeElement instanceof HTMLElement && document.activeElement.blur()),
  },
  {
    name: 'content',
    html: content(),
    /** Scrolled into the middle: sticky header and table of contents stuck, the help button fixed. */
    async prepare(page) {
      await page.evaluate(() => window.scrollTo(0, 2400));
    },
  },
  {
    name: 'components',
    html: components(),
    async prepare(page) {
      await page.evaluate(() => window.scrollTo(0, 300));
    },
  },
  {
    name: 'table',
    html: table(),
    /** Half-way down the 5 000 rows: thousands of rows above the viewport and below it. */
    async prepare(page) {
      await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight / 2));
    },
  },
  {
    name: 'dashboard',
    html: dashboard(),
    /** The board scrolled a little, as a visitor reading it would. */
    async prepare(page) {
      await page.evaluate(() => (document.querySelector('.board').scrollTop = 120));
    },
  },
];
