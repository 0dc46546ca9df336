// The demo shop's own script: points the widget at the server that served this page, tells agents
// who the visitor is as they fill in the form, and keeps the order total up to date.
import { Upscope } from '/dist/upscope.js';

const widget = document.querySelector('upscope-widget');
widget.setAttribute('host', location.host);

const form = document.getElementById('checkout');
const sdk = Upscope.instance;

// Agents see the name and e-mail in their lobby (never the card: it is masked on the page and
// never sent as identity).
let identityTimer = 0;
function sendIdentity() {
  clearTimeout(identityTimer);
  identityTimer = setTimeout(() => {
    const name = form.elements.namedItem('name').value.trim();
    const email = form.elements.namedItem('email').value.trim();
    sdk
      .updateConnection({
        callName: name || null,
        identities: email ? { email } : null,
        tags: ['checkout', 'demo'],
        metadata: { cart: '3 items, £214.85', page: 'checkout' },
      })
      .catch((err) => console.warn('[demo] updateConnection failed', err));
  }, 400);
}
form.elements.namedItem('name').addEventListener('input', sendIdentity);
form.elements.namedItem('email').addEventListener('input', sendIdentity);
sendIdentity();

// Card number in groups of four, as people expect.
const card = document.getElementById('card-number');
card.addEventListener('input', () => {
  const digits = card.value.replace(/\D/g, '').slice(0, 19);
  card.value = digits.replace(/(\d{4})(?=\d)/g, '$1 ');
});

const subtotal = 214.85;
const deliveryPrices = { standard: 0, express: 6.95, pickup: 0 };
const money = (n) => `£${n.toFixed(2)}`;
function updateTotal() {
  const choice = form.elements.namedItem('delivery').value;
  const delivery = deliveryPrices[choice] ?? 0;
  document.getElementById('delivery-cost').textContent = delivery ? money(delivery) : 'Free';
  document.getElementById('total').textContent = money(subtotal + delivery);
  form.querySelector('.buy').textContent = `Place order · ${money(subtotal + delivery)}`;
}
form.addEventListener('change', (e) => {
  if (e.target.name === 'delivery') updateTotal();
});

form.addEventListener('submit', (e) => {
  e.preventDefault();
  const status = document.getElementById('order-status');
  const missing = [...form.querySelectorAll('[required]')].filter((el) => (el.type === 'checkbox' ? !el.checked : !el.value.trim()));
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  for (const el of missing) el.setAttribute('aria-invalid', 'true');
  status.textContent = missing.length
    ? `Please fill in ${missing.length} more field${missing.length > 1 ? 's' : ''} (marked in red).`
    : 'Thank you! This is a demo shop, so nothing was charged.';
  status.className = missing.length ? 'error' : 'ok';
});
