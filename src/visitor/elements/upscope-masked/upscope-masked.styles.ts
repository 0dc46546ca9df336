import { css } from 'lit';

export const maskedStyles = css`
  /* No box of its own: wrapping a field must not change the page's layout. Its contents' boxes are the mask. */
  :host {
    display: contents;
  }
  :host([hidden]) {
    display: none;
  }
`;
