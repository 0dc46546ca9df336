import { expect, fixture, html } from '@open-wc/testing';
import { CAPTURE_DEFAULTS, Rasterizer } from '../../src/capture/index.js';

const options = {
  scale: 1,
  includeStyleProperties: CAPTURE_DEFAULTS.includeStyleProperties,
  sliceMs: CAPTURE_DEFAULTS.sliceMs,
  resourceTimeoutMs: 2000,
};

/** The inline style properties (longhands) of the clone of `#id` in a snapshot's markup. */
function cloneStyle(markup: string, id: string): Map<string, string> {
  const doc = new DOMParser().parseFromString(markup, 'image/svg+xml');
  const el = doc.getElementById(id) as HTMLElement | null;
  expect(el, `clone of #${id}`).to.exist;
  const style = new Map<string, string>();
  for (let i = 0; i < el!.style.length; i++) {
    const name = el!.style.item(i);
    style.set(name, el!.style.getPropertyValue(name));
  }
  return style;
}

describe('clone markup (only the properties that change the picture)', () => {
  let rasterizer: Rasterizer;
  beforeEach(() => {
    document.body.style.margin = '0';
    rasterizer = new Rasterizer(options);
  });
  afterEach(() => {
    rasterizer.dispose();
    document.body.style.margin = '';
  });

  it('writes one differing property without the rest of its name group', async () => {
    await fixture(html`
      <div style="font: 14px sans-serif; color: rgb(30, 40, 50)">
        <div id="bar" style="width: 40px; height: 20px; background-color: rgb(200, 0, 0); flex-grow: 1; min-height: 10px; box-shadow: rgb(0, 0, 0) 1px 1px 2px"></div>
        <i id="em">label</i>
      </div>
    `);
    const { markup } = await rasterizer.snapshot();
    const bar = cloneStyle(markup, 'bar');
    expect(bar.get('background-color')).to.equal('rgb(200, 0, 0)');
    expect(bar.get('min-height')).to.equal('10px');
    expect(bar.get('box-shadow')).to.include('rgb(0, 0, 0)');
    const unneeded = [...bar.keys()].filter((name) => /^(background-(?!color)|flex-(?!grow)|box-sizing)/.test(name));
    expect(unneeded, 'default-valued properties of the same groups').to.deep.equal([]);
    // The <i> differs from its parent in its style (italic) only: its family, weight and stretch
    // are inherited (font-size and font-kerning are always kept, see NEVER_PRUNED).
    const em = cloneStyle(markup, 'em');
    expect([...em.keys()].filter((name) => /^font-(?!style|kerning|size)/.test(name)), 'font properties of the <i>').to.deep.equal([]);
  });

  it('keeps what the clone would not get by default: a border style with no width, a paragraph margin in em', async () => {
    await fixture(html`
      <div style="font: 14px sans-serif">
        <div id="solid" style="width: 40px; height: 20px; border: 0 solid rgb(200, 0, 0)"></div>
        <p id="para" style="font-size: 20px; margin: 16px 0 16px 3px">text</p>
      </div>
    `);
    const { markup } = await rasterizer.snapshot();
    const solid = cloneStyle(markup, 'solid');
    expect(solid.get('border-top-style')).to.equal('solid');
    expect(solid.get('border-top-width'), 'no medium border drawn').to.equal('0px');
    const para = cloneStyle(markup, 'para');
    // 16px is the default <p> margin at 16px, but 1em is 20px here.
    expect(para.get('margin-top')).to.equal('16px');
    expect(para.get('margin-bottom')).to.equal('16px');
  });
});
