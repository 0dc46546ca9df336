/**
 * Tables drawn by the column widths their clones carry, without the picture running table auto
 * layout again.
 *
 * Every clone carries its used width, so a table's cells already say how wide each column is. A
 * table of automatic layout in the picture still measures every cell's content (its minimum and
 * maximum widths, shaping its text) before it honours those widths: most of the picture's layout
 * on a page that is mostly a table (a long table's rows on screen: about 60 % of it). When the
 * widths fix the columns alone, `table-layout: fixed` gives the same columns from the first row's
 * widths with no measuring; so a table's clone is given it, only for the markup drawn whole (the
 * kept clone is left as it was: regions and tiles, which empty rows, draw it as before).
 *
 * The columns come out the same only when the first row's widths are every row's and add up to
 * the table's: so a table is pinned only when it has no `<col>` or `<colgroup>` (whose widths a
 * fixed layout would take first), no caption, no padding or border of its own written, a width in
 * pixels, a horizontal writing mode and no display but a table's; when every row (`rows`: head,
 * bodies, foot) holds only cells, none spanning rows or columns, each with a width in pixels and
 * no display written, and every row the same widths in the same order; and when those widths (with
 * the border spacing between and around them, in the separated model) add up to the table's
 * width within half a pixel. Content is never wider than its cell: the widths are the page's,
 * which laid out every row (the clone holds only those near the view). A table the page already
 * lays out fixed is left as it is, and so is one as wide as its content (see {@link withFixedTables}).
 * test/capture/table-layout.test.ts draws both and compares.
 *
 * Also here: a table with captions is left to its content's height (see {@link tableHeightToContent}).
 */

const XHTML_NS = 'http://www.w3.org/1999/xhtml';

/** How far the columns' widths may add up from the table's, in CSS px (the page rounds each to 1/64 px). */
const SUM_TOLERANCE = 0.5;

/** `value` in CSS px when it is a length in pixels, else null. */
function px(value: string): number | null {
  const m = /^(-?[\d.]+(?:e-?\d+)?)px$/.exec(value);
  return m ? Number(m[1]) : null;
}

/** Whether a written box property is absent or zero. */
function none(style: CSSStyleDeclaration, name: string): boolean {
  const value = style.getPropertyValue(name);
  return value === '' || value === '0px' || value === '0';
}

/**
 * The width a cell's clone gives its column, border box (its written width, with its padding and
 * borders when its box is sized by its content box; what the clone leaves unwritten is the tag's
 * default, as the clone writes only what differs from it); null when that cannot be told from what it
 * wrote: a width not in pixels, or a border beside it that collapsed borders would halve.
 */
function outerWidth(style: CSSStyleDeclaration, collapsed: boolean): number | null {
  const width = px(style.getPropertyValue('width'));
  if (width === null) return null;
  let outer = width;
  const borderBox = style.getPropertyValue('box-sizing') === 'border-box';
  for (const side of ['left', 'right']) {
    const padding = style.getPropertyValue(`padding-${side}`);
    const border = style.getPropertyValue(`border-${side}-width`);
    if (collapsed && !none(style, `border-${side}-width`)) return null;
    // Left unwritten, a value is the tag's default: a cell's padding is 1px (the user agent's sheet).
    const p = padding === '' ? 1 : px(padding);
    const b = border === '' || collapsed ? 0 : px(border);
    if (p === null || b === null) return null;
    if (!borderBox) outer += p + b;
  }
  return outer;
}

/**
 * What a row's or cell's clone wrote that {@link fixesColumns} reads, by the text of its `style`
 * attribute, read once per text: a long table's cells carry a few texts (a column's, a zebra
 * row's), and each read of a declaration is a call into the page's CSSOM.
 */
interface Written {
  /** Whether it wrote a display. */
  display: boolean;
  /** The cell's border-box width, as {@link outerWidth}. */
  outer: number | null;
}

function writtenOf(el: HTMLElement, collapsed: boolean, known: Map<string | null, Written>): Written {
  const text = el.getAttribute('style');
  let written = known.get(text);
  if (!written) known.set(text, (written = { display: el.style.getPropertyValue('display') !== '', outer: outerWidth(el.style, collapsed) }));
  return written;
}

/** Whether `table`'s clone can be laid out fixed with the columns it has (see above). */
export function fixesColumns(table: HTMLTableElement): boolean {
  const style = table.style as CSSStyleDeclaration | undefined;
  if (!style || style.getPropertyValue('table-layout') !== '') return false;
  if (!['', 'table'].includes(style.getPropertyValue('display')) || !['', 'horizontal-tb'].includes(style.getPropertyValue('writing-mode'))) return false;
  const width = px(style.getPropertyValue('width'));
  if (width === null) return false;
  for (const side of ['top', 'right', 'bottom', 'left']) if (!none(style, `padding-${side}`) || !none(style, `border-${side}-width`)) return false;
  for (const child of table.children) if (!['thead', 'tbody', 'tfoot', 'tr'].includes(child.localName)) return false;
  const rows = table.rows;
  if (rows.length === 0) return false;
  const collapsed = style.getPropertyValue('border-collapse') === 'collapse';
  let widths: number[] | null = null;
  const known = new Map<string | null, Written>();
  for (const row of rows) {
    if (writtenOf(row, collapsed, known).display || row.children.length !== row.cells.length) return false;
    const section = row.parentElement!;
    if (section !== table && writtenOf(section, collapsed, known).display) return false;
    const own: number[] = [];
    for (const cell of row.cells) {
      if (cell.colSpan !== 1 || cell.rowSpan !== 1) return false;
      const { display, outer } = writtenOf(cell, collapsed, known);
      if (display || outer === null) return false;
      own.push(outer);
    }
    if (widths === null) widths = own;
    else if (own.length !== widths.length || own.some((w, i) => Math.abs(w - widths![i]) > 0.01)) return false;
  }
  if (!widths || widths.length === 0) return false;
  let sum = widths.reduce((a, w) => a + w, 0);
  if (!collapsed) {
    // Separated borders: the spacing is between the columns and around them.
    const spacing = style.getPropertyValue('border-spacing');
    const horizontal = spacing === '' ? 2 : px(spacing.split(' ')[0]);
    if (horizontal === null) return false;
    sum += horizontal * (widths.length + 1);
  }
  return Math.abs(sum - width) <= SUM_TOLERANCE;
}

/**
 * The width the page's rules give `table` in CSS px (a length in pixels, or a percentage of its
 * parent's content box); null for `auto` or anything else.
 */
function givenWidth(table: Element): number | null {
  const width = table.computedStyleMap?.().get('width');
  if (!(width instanceof CSSUnitValue)) return null;
  if (width.unit === 'px') return width.value;
  const parent = table.parentElement;
  if (width.unit !== 'percent' || !parent) return null;
  const cs = getComputedStyle(parent);
  return ((parent.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight)) * width.value) / 100;
}

/**
 * Runs `serialize` with each table in `root` that {@link fixesColumns} laid out fixed, then puts
 * them back as they were: the markup drawn pins them, the kept clone does not. Only tables the
 * page lays out at the width its rules give it (read on the original through `cloneOf`): a table
 * as wide as its content (`width: auto`, or content wider than its width) has columns as wide as
 * their content, which auto layout in the picture measures again to fractions of a pixel the
 * written widths round.
 */
export function withFixedTables<T>(root: Element, cloneOf: ReadonlyMap<Element, Element>, serialize: () => T): T {
  const tables = root.getElementsByTagName('table');
  const pinned: HTMLElement[] = [];
  if (tables.length > 0) {
    const sized = new Set<Element>();
    for (const [original, clone] of cloneOf) {
      if (original.localName !== 'table') continue;
      const given = givenWidth(original);
      const written = px((clone as HTMLElement).style?.getPropertyValue('width') ?? '');
      if (given !== null && written !== null && Math.abs(given - written) <= SUM_TOLERANCE) sized.add(clone);
    }
    for (const table of tables) if (table.namespaceURI === XHTML_NS && sized.has(table) && fixesColumns(table as HTMLTableElement)) pinned.push(table as HTMLElement);
  }
  for (const table of pinned) table.style.setProperty('table-layout', 'fixed');
  try {
    return serialize();
  } finally {
    for (const table of pinned) table.style.removeProperty('table-layout');
  }
}

/** A table's own parts, which a page hardly ever lays out as a caption: not read. */
const TABLE_PARTS = new Set(['thead', 'tbody', 'tfoot', 'tr', 'col', 'colgroup']);

/**
 * A table's clone is written the page's computed height, which for a table with captions is its
 * captions' and its grid's together; written on the clone, a table's height is its grid's alone
 * (the captions are laid out around the grid), so each row was stretched by a share of the
 * captions' height (rt19f: 7 % of a page of small captioned tables). The clone of a table with a
 * caption (a child laid out as `table-caption`; its rows and row groups are not read) is left
 * to its content, which its rows' written heights make as tall as the page's grid: like any size
 * a clone leaves out, it is then never compared with the page's nor written in place (see
 * writtenBox in kept-clone.ts), so a patch does not write the whole height back. Not called for
 * a table cloned empty (off screen, see find-offscreen.ts), whose written height is all it has.
 */
export function tableHeightToContent(original: Element, clone: Element, win: Window): void {
  const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
  if (!style?.getPropertyValue('height')) return;
  // What the clone wrote says whether it is a table (a `<table>`'s display is written only when another).
  const display = style.getPropertyValue('display');
  if (!(display === 'table' || display === 'inline-table' || (display === '' && clone.localName === 'table' && clone.namespaceURI === XHTML_NS))) return;
  for (const child of original.children) {
    if (TABLE_PARTS.has(child.localName) || win.getComputedStyle(child).display !== 'table-caption') continue;
    style.removeProperty('height');
    return;
  }
}

/**
 * A `<col>` or `<colgroup>` reads, in getComputedStyle, the width of all the columns it spans
 * together (and the border spacing between them); a width written on one is each of its columns'
 * (CSS 2 §17.3). Written so on a clone spanning two columns or more, every one of them asked for
 * the whole group's width, and the table shared out again (`<col span=2>` beside a 340px column:
 * three near-equal columns, rt24: 32 % of a docs table's pixels off). In a table of automatic
 * layout such a clone's width is left out: its cells carry their used widths, which set the
 * columns as on the page. A table of fixed layout takes its columns' widths before its cells' (a
 * first row of one wide cell says nothing of them), so there each column is given an equal share
 * of the group's width. A `<colgroup>` holding `<col>`s, whose width would size those left to
 * theirs, is left out in either. As for a table's height (above), a size left out is never
 * patched back (see writtenBox in kept-clone.ts).
 */
export function columnWidthPerColumn(original: Element, clone: Element, win: Window): void {
  const name = original.localName;
  if ((name !== 'col' && name !== 'colgroup') || original.namespaceURI !== XHTML_NS) return;
  const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
  const width = style ? px(style.getPropertyValue('width')) : null;
  if (!style || width === null) return;
  if (name === 'colgroup' && original.querySelector(':scope > col')) {
    style.removeProperty('width');
    return;
  }
  const spans = (original as HTMLTableColElement).span;
  if (spans <= 1) return;
  const table = original.closest('table');
  const cs = table ? win.getComputedStyle(table) : null;
  if (!cs || cs.tableLayout !== 'fixed') {
    style.removeProperty('width');
    return;
  }
  const spacing = cs.borderCollapse === 'collapse' ? 0 : parseFloat(cs.borderSpacing) || 0;
  style.setProperty('width', `${Math.max(0, (width - (spans - 1) * spacing) / spans)}px`);
}

/**
 * A column hidden by `visibility: collapse` (its `<col>` or `<colgroup>`): the page lays the table
 * out with the column, then takes it away, leaving that column's cells 0 px wide. The clone writes
 * the table's width and its cells' as they are after that; laid out again, the hidden column's
 * content still asked for its width and its rows grew to its text wrapped in it, so the other
 * columns were squeezed and every row drawn several times its height (a three-column table with
 * its middle one collapsed: 8 % of the page's pixels off, rt25). In the clone, the column is never
 * there: its `<col>` (or `<colgroup>`) and its cells have no box (`display: none`; the cells that
 * follow each take the next column), so the widths written are laid out as the page shows them.
 * A cell spanning a hidden column and a shown one is left as it is. `memo` keeps, for one clone,
 * whether each table has a collapsed column.
 */
export function dropCollapsedColumn(original: Element, clone: Element, win: Window, memo: Map<Element, boolean>): void {
  const name = original.localName;
  if (!COLUMN_PARTS.has(name) || original.namespaceURI !== XHTML_NS) return;
  const table = original.closest('table');
  if (!table || !hasCollapsedColumn(table, win, memo)) return;
  const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
  if (name === 'col' || name === 'colgroup') {
    if (win.getComputedStyle(original).visibility === 'collapse') style?.setProperty('display', 'none');
    return;
  }
  // The page draws nothing of a cell it left no width (a column's own cells have none otherwise).
  if (original.getBoundingClientRect().width !== 0) return;
  clone.replaceChildren();
  style?.setProperty('display', 'none');
}

const COLUMN_PARTS = new Set(['td', 'th', 'col', 'colgroup']);

/** Whether a `<col>` or `<colgroup>` of `table` has `visibility: collapse`; `memo` as above. */
function hasCollapsedColumn(table: Element, win: Window, memo: Map<Element, boolean>): boolean {
  let collapses = memo.get(table);
  if (collapses === undefined) {
    // The table's own children, not a `:scope > colgroup` query: the engine walks every descendant
    // for one, 10 ms per clone on the bench's 5 000-row table.
    const collapsed = (el: Element): boolean => win.getComputedStyle(el).visibility === 'collapse';
    collapses = [...table.children].some((group) => group.localName === 'colgroup' && (collapsed(group) || [...group.children].some((col) => col.localName === 'col' && collapsed(col))));
    memo.set(table, collapses);
  }
  return collapses;
}
