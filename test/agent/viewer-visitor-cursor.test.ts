// The agent's viewer draws the visitor's cursor (a blue arrow) where the visitor's page says, and
// none while the page says it is hidden (over masked content, where no position is sent).
import { expect } from '@open-wc/testing';
import { AssistTools } from '../../src/agent/assist-tools.js';

/** Blue pixels of the cursor's arrow on the marks canvas. */
function bluePixels(canvas: HTMLCanvasElement): number {
  const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 100 && data[i + 2] > 150 && data[i] < 120) n++;
  return n;
}
const frames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));

describe('the viewer and the visitor\'s cursor', () => {
  it('draws the cursor at a position, and none once it is hidden', async () => {
    const box = document.createElement('div');
    box.style.cssText = 'position:relative;width:400px;height:300px';
    const screen = document.createElement('canvas');
    screen.width = 400;
    screen.height = 300;
    screen.style.cssText = 'display:block;width:400px;height:300px';
    const marks = document.createElement('canvas');
    marks.style.position = 'absolute';
    box.append(screen, marks);
    document.body.append(box);
    try {
      const tools = new AssistTools({ screen: () => screen, marks: () => marks, client: () => null, changed: () => undefined, refused: () => undefined });
      tools.onLive({ type: 'visitorCursor', x: 100, y: 100 });
      await frames();
      expect(bluePixels(marks), 'the cursor is drawn').to.be.greaterThan(20);
      tools.onLive({ type: 'visitorCursor', x: 0, y: 0, hidden: true });
      await frames();
      expect(bluePixels(marks), 'no cursor while hidden').to.equal(0);
    } finally {
      box.remove();
    }
  });
});
