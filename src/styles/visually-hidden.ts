/**
 * The declarations that hide a box from sight but not from assistive technology, for any
 * selector: the widget's and the console's `.visually-hidden`, the widget's phone tab label (its
 * icon is what shows; the label stays the button's name), History's header row on a phone (each
 * card names its columns; a screen reader still has the headers). Each shadow root needs the
 * rule in a sheet of its own, so it is shared as text: `css\`.x { ${visuallyHidden} }\``.
 */
import { css } from 'lit';

export const visuallyHidden = css`
  position: absolute;
  width: 1px;
  height: 1px;
  margin: -1px;
  padding: 0;
  overflow: hidden;
  clip: rect(0 0 0 0);
  white-space: nowrap;
  border: 0;
`;
