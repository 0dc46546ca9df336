// Page shapes outside the bench's five, to look for capture costs the bench does not see
// (bench/redteam.mjs measures them). Each is small to write, large to capture.
const HEAD = `<header style="position:sticky;top:0;z-index:5;height:48px;background:#14532d;color:#fff;display:flex;align-items:center;gap:20px;padding:0 24px">
<b>Shape</b><span id="bench-tick">0</span></header>`;
const doc = (body, css = '', script = '') => `<!doctype html><html><head><meta charset="utf-8"><style>body{margin:0;font:15px/1.5 'DejaVu Sans',sans-serif}${css}</style></head><body>${HEAD}${body}${script}</body></html>`;
const W = 'trail ridge summit lantern canvas harbour meadow granite fjord cedar ember willow basalt compass tundra glacier'.split(' ');
const words = (n, s = 1) => Array.from({ length: n }, (_, i) => W[(i * 7 + s * 13) % W.length]).join(' ');
const text = `<p style="margin:220px 40px 20px">${words(12)} Change here</p>`;

export const RED_PAGES = [
  { name: 'deep', html: doc(`${text}${'<div class="d">'.repeat(600)}<span>${words(6)} innermost words here</span>${'</div>'.repeat(600)}<p>${words(30)}</p>`, '.d{padding-left:1px;border-left:1px solid #ccc}') },
  { name: 'deep-wide', html: doc(`${text}${Array.from({ length: 20 }, (_, k) => `${'<div class="d">'.repeat(300)}<span>${words(6, k)} level</span>${'</div>'.repeat(300)}`).join('')}`, '.d{margin-left:0.1px}') },
  {
    name: 'shadow3000', html: doc(`${text}<div id="host"></div>`, 'x-card{display:block;margin:4px}', `<script>
customElements.define('x-card', class extends HTMLElement { constructor(){ super(); const r=this.attachShadow({mode:'open'}); r.innerHTML='<style>:host{display:block} .c{border:1px solid #ccc;padding:4px;border-radius:4px} ::slotted(b){color:red}</style><div class="c"><slot></slot> <span>'+this.dataset.i+'</span></div>'; } });
const h=document.getElementById('host'); let s=''; for(let i=0;i<3000;i++) s+='<x-card data-i="'+i+'"><b>card</b> ${words(4)}</x-card>'; h.innerHTML=s;
</script>`),
  },
  {
    name: 'svg10k', html: doc(`${text}<svg width="1200" height="700" viewBox="0 0 1200 700">${Array.from({ length: 10000 }, (_, i) => `<path d="M${(i * 7) % 1200} ${(i * 13) % 700} l${i % 17} ${i % 23} l${i % 11} -${i % 9}z" fill="hsl(${i % 360} 60% 50%)"/>`).join('')}</svg>`),
  },
  {
    name: 'dataimgs', html: doc(`${text}<div style="display:flex;flex-wrap:wrap">${Array.from({ length: 400 }, (_, i) => `<img width="40" height="40" src="data:image/svg+xml,${encodeURIComponent(`<svg xmlns='http://www.w3.org/2000/svg' width='40' height='40'><rect width='40' height='40' fill='hsl(${i} 70% 50%)'/><text y='20'>${i}</text></svg>`)}"><div class="bg" style="width:40px;height:40px;background-image:url(&quot;data:image/svg+xml,${encodeURIComponent(`<svg xmlns='http://www.w3.org/2000/svg' width='40' height='40'><circle r='${10 + (i % 10)}' cx='20' cy='20' fill='hsl(${i * 3} 70% 50%)'/></svg>`)}&quot;)"></div>`).join('')}</div>`),
  },
  {
    name: 'rules20k', html: doc(`${text}<div>${Array.from({ length: 2000 }, (_, i) => `<div class="r${i} k${i % 50}" data-k="${i % 97}">${words(5, i)}</div>`).join('')}</div>`,
      Array.from({ length: 20000 }, (_, i) => i % 4 === 0 ? `.k${i % 50}:has(+ [data-k="${i % 97}"]) { color: rgb(${i % 255} 0 0); }` : i % 4 === 1 ? `[data-k^="${i % 97}"] .r${i} { padding: 1px; }` : `.r${i % 2000}.k${i % 50} > span, div.r${i} { margin-left: ${i % 5}px; }`).join('\n')),
  },
  {
    name: 'fontface2k', html: doc(`${text}<div>${Array.from({ length: 2000 }, (_, i) => `<span style="font-family:f${i % 300}, sans-serif">${words(3, i)}</span> `).join('')}</div>`,
      Array.from({ length: 2000 }, (_, i) => `@font-face { font-family: f${i % 300}; src: local('DejaVu Sans') ; font-weight: ${100 + (i % 9) * 100}; unicode-range: U+${(i % 64).toString(16).padStart(4, '0')}-FFFF; }`).join('\n')),
  },
  { name: 'paragraph', html: doc(`${text}<p style="margin:0 40px">${words(60000)}</p>`) },
  {
    name: 'divlist', html: doc(`${text}<div>${Array.from({ length: 8000 }, (_, i) => `<div class="i${i % 13} t${i % 7}" style="${i % 3 ? 'padding:2px' : 'margin:1px'}"><span class="a${i % 5}">${i}</span> ${words(6, i)}${i % 4 ? '' : '<em> note</em>'}</div>`).join('')}</div>`,
      Array.from({ length: 13 }, (_, i) => `.i${i}{color:hsl(${i * 27} 60% 35%);border-bottom:${i % 3}px solid #eee}`).join('')),
    prepare: (p) => p.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight / 2)),
  },
  {
    name: 'grid5k', html: doc(`${text}<div style="display:grid;grid-template-columns:repeat(auto-fill,minmax(120px,1fr));gap:4px">${Array.from({ length: 5000 }, (_, i) => `<div style="background:#eef;padding:4px">${i} ${words(2, i)}</div>`).join('')}</div>`),
    prepare: (p) => p.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight / 2)),
  },
  {
    name: 'sticky', html: doc(`${text}${Array.from({ length: 400 }, (_, i) => `<section><h3 style="position:sticky;top:48px;background:#fff;margin:0">Section ${i}</h3><p>${words(40, i)}</p></section>`).join('')}${Array.from({ length: 50 }, (_, i) => `<div style="position:fixed;left:${i * 20}px;bottom:${i}px;width:18px;height:18px;background:rgb(0 0 ${i * 5} / .5)"></div>`).join('')}`),
    prepare: (p) => p.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight / 2)),
  },
  {
    name: 'iframes', html: doc(`${text}<div style="display:flex;flex-wrap:wrap">${Array.from({ length: 40 }, (_, i) => `<iframe width="300" height="150" srcdoc="${`<body style='margin:0'><p>${words(30, i)}</p>${'<div>x</div>'.repeat(200)}</body>`}"></iframe>`).join('')}</div>`),
  },
  {
    name: 'textarea1mb', html: doc(`${text}<textarea id="ta" style="width:90%;height:400px"></textarea><input id="in" style="width:90%">`, '', `<script>document.getElementById('ta').value=${JSON.stringify(words(150000))};document.getElementById('in').value=${JSON.stringify(words(20000))};</script>`),
  },
  {
    name: 'canvases', html: doc(`${text}<div id="c" style="display:flex;flex-wrap:wrap"></div>`, '', `<script>const c=document.getElementById('c');for(let i=0;i<300;i++){const k=document.createElement('canvas');k.width=k.height=64;const x=k.getContext('2d');x.fillStyle='hsl('+i+' 60% 50%)';x.fillRect(0,0,64,64);x.fillText(i,10,30);c.append(k);}</script>`),
  },
  {
    name: 'shadows5k', html: doc(`${text}<div style="display:flex;flex-wrap:wrap;gap:6px;padding:6px">${Array.from({ length: 5000 }, (_, i) => `<div class="s${i % 4}">${i}</div>`).join('')}</div>`,
      '.s0,.s1,.s2,.s3{width:50px;height:30px;background:#fff}.s0{box-shadow:0 2px 8px #0006}.s1{filter:drop-shadow(0 0 3px red)}.s2{filter:blur(1px);box-shadow:inset 0 0 4px #00f}.s3{backdrop-filter:blur(2px);box-shadow:0 0 0 3px #0a0,0 4px 10px #0004}'),
  },
  {
    name: 'virtual', html: doc(`${text}<div id="v" style="height:600px;overflow:auto;position:relative"><div style="height:2000000px"></div><div id="rows" style="position:absolute;left:0;right:0"></div></div>`, '', `<script>
const v=document.getElementById('v'),rows=document.getElementById('rows');function draw(){const first=Math.floor(v.scrollTop/24);rows.style.top=first*24+'px';let s='';for(let i=first;i<first+40;i++)s+='<div style="height:24px;border-bottom:1px solid #eee">row '+i+' ${words(6)}</div>';rows.innerHTML=s;}v.onscroll=draw;v.scrollTop=500000;draw();</script>`),
  },
  {
    name: 'ticking', html: doc(`${text}<div id="clock" style="font-size:40px"></div><div id="spin" style="width:80px;height:80px;background:#c00"></div><div>${Array.from({ length: 3000 }, (_, i) => `<div>${words(8, i)}</div>`).join('')}</div>`, '', `<script>
const c=document.getElementById('clock'),s=document.getElementById('spin');function f(t){c.textContent=t.toFixed(0);s.style.transform='rotate('+(t/10%360)+'deg)';requestAnimationFrame(f);}requestAnimationFrame(f);</script>`),
  },
];
