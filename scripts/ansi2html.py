#!/usr/bin/env python3
"""Turns a terminal capture with ANSI escapes (`tmux capture-pane -p -e -N`) into one HTML page
that looks like the terminal: a fixed grid of cells on a dark background.

    scripts/ansi2html.py [--cols N] [--rows N] [--title T] [IN [OUT]]

Reads IN (default stdin), writes OUT (default stdout). Standard library only.

What it understands: SGR colours (the 8 and 16 colours, 256 colours, 24-bit RGB, with `;` or
`:` separators), bold (which also brightens the 8 basic foreground colours on the default
background, as xterm does: the explorer draws line numbers in bold black; on a coloured
background, bold black stays black so it keeps its contrast), dim, italic, underline (every style drawn as a
plain line), blink (ignored), reverse, hidden, strikethrough, and their resets. Other escape
sequences are dropped. The SGR state carries over from one line to the next, as tmux writes it.

Every cell is a box of the same size, so columns line up whatever glyph a font lacks; East Asian
wide characters take two cells. The light, heavy and rounded box-drawing lines (U+2500-U+257F)
are drawn with CSS instead of a font glyph, so they join from cell to cell and row to row.
The page's size is the grid plus the padding, printed by --print-size for a screenshot tool.
"""

import argparse
import html
import re
import sys
import unicodedata

# Tango-like palette: 0-7 normal, 8-15 bright.
PALETTE16 = [
    "#000000", "#cc0000", "#4e9a06", "#c4a000", "#3465a4", "#75507b", "#06989a", "#d3d7cf",
    "#555753", "#ef2929", "#8ae234", "#fce94f", "#729fcf", "#ad7fa8", "#34e2e2", "#eeeeec",
]
DEFAULT_FG = "#d3d7cf"
DEFAULT_BG = "#1c1f24"


def palette256(n):
    """The xterm 256-colour palette."""
    if n < 16:
        return PALETTE16[n]
    if n < 232:
        n -= 16
        levels = [0, 95, 135, 175, 215, 255]
        r, g, b = levels[n // 36], levels[(n // 6) % 6], levels[n % 6]
        return "#%02x%02x%02x" % (r, g, b)
    v = 8 + 10 * (n - 232)
    return "#%02x%02x%02x" % (v, v, v)


def mix(c1, c2, t):
    """c1 moved a fraction t towards c2 (both #rrggbb)."""
    a = [int(c1[i:i + 2], 16) for i in (1, 3, 5)]
    b = [int(c2[i:i + 2], 16) for i in (1, 3, 5)]
    return "#%02x%02x%02x" % tuple(round(x + (y - x) * t) for x, y in zip(a, b))


class State:
    __slots__ = ("fg", "bg", "bold", "dim", "italic", "underline", "reverse", "hidden", "strike")

    def __init__(self):
        self.reset()

    def reset(self):
        # fg / bg: None (default), ("i", index 0-255) or ("rgb", "#rrggbb")
        self.fg = None
        self.bg = None
        self.bold = self.dim = self.italic = self.underline = False
        self.reverse = self.hidden = self.strike = False

    def key(self):
        return (self.fg, self.bg, self.bold, self.dim, self.italic, self.underline, self.reverse,
                self.hidden, self.strike)


def parse_extended(params, i):
    """38/48/58 followed by 5;N or 2;R;G;B (the parameters already split). Returns (colour, next index)."""
    if i + 1 < len(params) and params[i + 1] == 5 and i + 2 < len(params):
        return ("i", max(0, min(255, params[i + 2]))), i + 3
    if i + 1 < len(params) and params[i + 1] == 2 and i + 4 < len(params):
        r, g, b = (max(0, min(255, v)) for v in params[i + 2:i + 5])
        return ("rgb", "#%02x%02x%02x" % (r, g, b)), i + 5
    return None, len(params)


def apply_sgr(state, text):
    """Applies one SGR sequence's parameter text ("1;38;5;208", "4:3", "38:2::10:20:30")."""
    if text == "":
        state.reset()
        return
    # Colon sub-parameters belong to one parameter; turn "38:2::r:g:b" / "38:5:n" into the
    # semicolon form, and "4:N" into an underline style.
    params = []
    for group in text.split(";"):
        if ":" in group:
            sub = group.split(":")
            head = int(sub[0] or 0)
            if head in (38, 48, 58):
                rest = [int(s or 0) for s in sub[1:]]
                if rest and rest[0] == 2 and len(rest) >= 5:
                    rest = [2] + rest[-3:]  # drop the colour-space id when present
                params.extend([head] + rest)
            elif head == 4:
                style = int(sub[1] or 0) if len(sub) > 1 else 1
                params.append(24 if style == 0 else 4)
            else:
                params.append(head)
        else:
            params.append(int(group) if group.isdigit() else 0)
    i = 0
    while i < len(params):
        p = params[i]
        if p == 0:
            state.reset()
        elif p == 1:
            state.bold = True
        elif p == 2:
            state.dim = True
        elif p == 3:
            state.italic = True
        elif p in (4, 21):
            state.underline = True
        elif p == 7:
            state.reverse = True
        elif p == 8:
            state.hidden = True
        elif p == 9:
            state.strike = True
        elif p == 22:
            state.bold = state.dim = False
        elif p == 23:
            state.italic = False
        elif p == 24:
            state.underline = False
        elif p == 27:
            state.reverse = False
        elif p == 28:
            state.hidden = False
        elif p == 29:
            state.strike = False
        elif 30 <= p <= 37:
            state.fg = ("i", p - 30)
        elif p == 39:
            state.fg = None
        elif 40 <= p <= 47:
            state.bg = ("i", p - 40)
        elif p == 49:
            state.bg = None
        elif 90 <= p <= 97:
            state.fg = ("i", p - 90 + 8)
        elif 100 <= p <= 107:
            state.bg = ("i", p - 100 + 8)
        elif p in (38, 48, 58):
            colour, i = parse_extended(params, i)
            if p == 38:
                state.fg = colour
            elif p == 48:
                state.bg = colour
            continue
        # 5, 6 (blink), 53 (overline) and the rest: nothing to draw
        i += 1


def resolve(key, bold_bright=True):
    """(fg, bg, css extras) for a state key."""
    fg, bg, bold, dim, italic, underline, reverse, hidden, strike = key

    def colour(c, default, is_fg):
        if c is None:
            return default
        if c[0] == "rgb":
            return c[1]
        n = c[1]
        if is_fg and bold and bold_bright and n < 8 and bg is None:
            n += 8
        return palette256(n)

    f = colour(fg, DEFAULT_FG, True)
    b = colour(bg, DEFAULT_BG, False)
    if reverse:
        f, b = b, f
    if dim:
        f = mix(f, b, 0.45)
    if hidden:
        f = b
    css = []
    if bold:
        css.append("font-weight:bold")
    if italic:
        css.append("font-style:italic")
    deco = [d for d, on in (("underline", underline), ("line-through", strike)) if on]
    if deco:
        css.append("text-decoration:" + " ".join(deco))
    return f, b, css


# Box drawing: which arms a character has (up, right, down, left), each 0 none, 1 light,
# 2 heavy, 3 double (drawn as heavy, which reads well enough at this size).
BOX = {}


def _box(chars, arms):
    for ch in chars:
        BOX[ch] = arms


_box("─╌┄┈", (0, 1, 0, 1))
_box("━╍┅┉", (0, 2, 0, 2))
_box("│╎┆┊", (1, 0, 1, 0))
_box("┃╏┇┋", (2, 0, 2, 0))
_box("┌╭", (0, 1, 1, 0))
_box("┐╮", (0, 0, 1, 1))
_box("└╰", (1, 1, 0, 0))
_box("┘╯", (1, 0, 0, 1))
_box("├", (1, 1, 1, 0))
_box("┤", (1, 0, 1, 1))
_box("┬", (0, 1, 1, 1))
_box("┴", (1, 1, 0, 1))
_box("┼", (1, 1, 1, 1))
_box("╴", (0, 0, 0, 1))
_box("╵", (1, 0, 0, 0))
_box("╶", (0, 1, 0, 0))
_box("╷", (0, 0, 1, 0))
_box("┏", (0, 2, 2, 0))
_box("┓", (0, 0, 2, 2))
_box("┗", (2, 2, 0, 0))
_box("┛", (2, 0, 0, 2))
_box("═", (0, 3, 0, 3))
_box("║", (3, 0, 3, 0))
_box("╔", (0, 3, 3, 0))
_box("╗", (0, 0, 3, 3))
_box("╚", (3, 3, 0, 0))
_box("╝", (3, 0, 0, 3))


def box_css(arms, cw, ch):
    """background-image layers that draw the arms of a box character in currentColor."""
    up, right, down, left = arms
    thick = {1: 1, 2: 2, 3: 2}
    layers = []
    line = "linear-gradient(currentColor,currentColor)"
    cx = cw // 2  # the vertical stroke's column, the same in every cell
    cy = ch // 2  # the horizontal stroke's row
    if up:
        t = thick[up]
        layers.append("%s %dpx 0/%dpx %dpx no-repeat" % (line, cx - (t - 1) // 2, t, cy + 1))
    if down:
        t = thick[down]
        layers.append("%s %dpx %dpx/%dpx %dpx no-repeat" % (line, cx - (t - 1) // 2, cy, t, ch - cy))
    if left:
        t = thick[left]
        layers.append("%s 0 %dpx/%dpx %dpx no-repeat" % (line, cy - (t - 1) // 2, cx + 1, t))
    if right:
        t = thick[right]
        layers.append("%s %dpx %dpx/%dpx %dpx no-repeat" % (line, cx, cy - (t - 1) // 2, cw - cx, t))
    return "background:" + ",".join(layers)


SEQ = re.compile(r"\x1b(?:\[([0-9;:?<=>]*)([ -/]*[@-~])|\][^\x07\x1b]*(?:\x07|\x1b\\)|[()][0-9A-Za-z]|[@-Z\\-_])")


def parse(text):
    """The captured text as rows of (char, width, state key) cells."""
    state = State()
    rows = []
    for raw in text.split("\n"):
        cells = []
        pos = 0
        for m in SEQ.finditer(raw):
            for ch in raw[pos:m.start()]:
                add_char(cells, ch, state)
            pos = m.end()
            if m.group(2) == "m" and m.group(1) is not None and not m.group(1).startswith(("?", "<", "=", ">")):
                apply_sgr(state, m.group(1))
        for ch in raw[pos:]:
            add_char(cells, ch, state)
        rows.append(cells)
    if rows and not rows[-1]:
        rows.pop()  # the newline that ends the capture
    return rows


def add_char(cells, ch, state):
    if ch == "\r" or ch == "\x07":
        return
    if ch == "\t":
        for _ in range(8 - len(cells) % 8):
            cells.append((" ", 1, state.key()))
        return
    if unicodedata.combining(ch) and cells:
        c, w, k = cells[-1]
        cells[-1] = (c + ch, w, k)
        return
    if ord(ch) < 32:
        return
    width = 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    cells.append((ch, width, state.key()))


def render(rows, cols, nrows, title, font_size, cw, ch, pad, bold_bright):
    blank = State().key()
    styles = {}
    out_rows = []
    for r in range(nrows):
        cells = rows[r] if r < len(rows) else []
        used = sum(w for _, w, _ in cells)
        if used < cols:
            # what tmux left out at the end of a line (even with -N) are cells never written
            cells = cells + [(" ", 1, blank)] * (cols - used)
        parts = []
        x = 0
        for c, w, k in cells:
            if x + w > cols:
                break
            x += w
            if k not in styles:
                styles[k] = "s%d" % len(styles)
            cls = styles[k]
            if c in BOX:
                parts.append('<i class="%s b%s"></i>' % (cls, "".join(map(str, BOX[c]))))
            elif w == 2:
                parts.append('<i class="%s w">%s</i>' % (cls, html.escape(c)))
            else:
                parts.append('<i class="%s">%s</i>' % (cls, html.escape(c)))
        out_rows.append("<div>" + "".join(parts) + "</div>")

    css = []
    for k, name in styles.items():
        f, b, extra = resolve(k, bold_bright)
        css.append(".%s{color:%s;background-color:%s;%s}" % (name, f, b, ";".join(extra)))
    used_boxes = set()
    for r in rows:
        for c, _, _ in r:
            if c in BOX:
                used_boxes.add(BOX[c])
    for arms in sorted(used_boxes):
        css.append(".b%s{%s}" % ("".join(map(str, arms)), box_css(arms, cw, ch)))

    width, height = cols * cw + 2 * pad, nrows * ch + 2 * pad
    page = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}</title>
<style>
html,body{{margin:0;padding:0;background:{bg};overflow:hidden}}
body{{width:{width}px;height:{height}px}}
.t{{padding:{pad}px;font-family:"DejaVu Sans Mono","Liberation Mono","Noto Sans Mono",monospace;
font-size:{fs}px;line-height:{ch}px;font-variant-ligatures:none;-webkit-font-smoothing:antialiased}}
.t div{{display:flex;height:{ch}px;white-space:pre}}
.t i{{display:block;flex:none;font-style:normal;width:{cw}px;height:{ch}px;text-align:center;overflow:visible;
text-decoration-skip-ink:none;text-underline-offset:2px}}
.t i.w{{width:{cw2}px}}
{styles}
</style></head>
<body><div class="t">
{rows}
</div></body></html>
""".format(title=html.escape(title), bg=DEFAULT_BG, width=width, height=height, pad=pad, fs=font_size,
           ch=ch, cw=cw, cw2=2 * cw, styles="\n".join(css), rows="\n".join(out_rows))
    return page, width, height


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("input", nargs="?", help="the capture (default: stdin)")
    ap.add_argument("output", nargs="?", help="the HTML page (default: stdout)")
    ap.add_argument("--cols", type=int, help="grid width (default: the widest line)")
    ap.add_argument("--rows", type=int, help="grid height (default: the number of lines)")
    ap.add_argument("--title", default="terminal")
    ap.add_argument("--font-size", type=int, default=15, help="pixels (default 15)")
    ap.add_argument("--cell-width", type=int, default=9, help="pixels (default 9)")
    ap.add_argument("--cell-height", type=int, default=18, help="pixels (default 18)")
    ap.add_argument("--padding", type=int, default=8, help="pixels around the grid (default 8)")
    ap.add_argument("--no-bold-bright", action="store_true", help="bold does not brighten colours 0-7")
    ap.add_argument("--print-size", action="store_true", help="print WIDTH,HEIGHT of the page on stderr")
    args = ap.parse_args()

    if args.input and args.input != "-":
        with open(args.input, encoding="utf-8", errors="replace") as f:
            text = f.read()
    else:
        text = sys.stdin.buffer.read().decode("utf-8", errors="replace")
    rows = parse(text)
    cols = args.cols or max((sum(w for _, w, _ in r) for r in rows), default=1)
    nrows = args.rows or max(len(rows), 1)
    page, width, height = render(rows, cols, nrows, args.title, args.font_size, args.cell_width,
                                 args.cell_height, args.padding, not args.no_bold_bright)
    if args.output and args.output != "-":
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(page)
    else:
        sys.stdout.write(page)
    if args.print_size:
        print("%d,%d" % (width, height), file=sys.stderr)


if __name__ == "__main__":
    main()
