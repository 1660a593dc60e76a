"""What a PDF page paints, glyph by glyph: the text of each shown code, its marked content, and why it does not show.

The content stream is followed with the part of the graphics state that decides whether a glyph
is seen (the text and current matrices, render mode, fill and stroke colour and alpha, the clip as
a box, the filled paths painted before it), read with pikepdf and decoded through the shared
content.py. A glyph is judged at its middle: not shown in text render mode 3 or 7, fully
transparent, under `MIN_SIZE`, outside the page's crop box or its clip, or within
`COLOUR_TOLERANCE` of the colour under it (the white page, or the last fill containing the
point by its fill rule; curves taken by their control points). Text in form XObjects and
Type 3 glyphs are not followed. A reader module: it never imports a writer.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

import pikepdf

from altformats.formats.pdf.content import TEXT_OPERATORS, FontMap, advance, font_map

COLOUR_TOLERANCE = 0.04  # sRGB components this close to the background's: the glyph does not show
MIN_SIZE = 1.0  # points: a glyph smaller than this is a dot, not a word
INVISIBLE_MODES = {3: "text render mode 3 (invisible)", 7: "text render mode 7 (clip only)"}
Matrix = tuple[float, float, float, float, float, float]
Colour = tuple[float, float, float] | None  # sRGB; None: a colour this reader cannot tell (a pattern)
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
WHITE: Colour = (1.0, 1.0, 1.0)


@dataclass
class Glyph:
    """One shown code: its text, the marked-content ids around it, and why it does not show ("" if it does)."""

    text: str
    mcid: int | None
    hidden: str
    artifact: bool = False  # inside /Artifact marked content: furniture, not text


@dataclass
class State:
    """The graphics state this reader follows (saved by q, restored by Q)."""

    ctm: Matrix = IDENTITY
    fill: Colour = (0.0, 0.0, 0.0)
    stroke: Colour = (0.0, 0.0, 0.0)
    fill_space: str = "/DeviceGray"
    stroke_space: str = "/DeviceGray"
    fill_alpha: float = 1.0
    stroke_alpha: float = 1.0
    clip: tuple[float, float, float, float] | None = None  # device-space box the clip lies within
    mode: int = 0
    font: str = ""
    size: float = 0.0
    char_space: float = 0.0
    word_space: float = 0.0
    scale: float = 1.0
    rise: float = 0.0
    leading: float = 0.0


@dataclass
class Painter:
    """Follows one page's content stream: the glyphs it shows and the fills that may lie under them."""

    page: pikepdf.Page
    box: tuple[float, float, float, float]
    state: State = field(default_factory=State)
    saved: list[State] = field(default_factory=list)
    fills: list[tuple[list, bool, Colour, tuple | None]] = field(default_factory=list)  # path, even-odd, colour, clip
    path: list[list[tuple[float, float]]] = field(default_factory=list)
    glyphs: list[Glyph] = field(default_factory=list)
    marks: list[tuple[int | None, str | None, int, str]] = field(default_factory=list)  # mcid, ActualText, first, tag
    actual: list[tuple[int | None, str, int, int]] = field(default_factory=list)  # ActualText and its glyph span
    tm: Matrix = IDENTITY
    tlm: Matrix = IDENTITY
    maps: dict[str, FontMap] = field(default_factory=dict)

    def run(self) -> Painter:
        """Read the whole stream."""
        for operands, op in pikepdf.parse_content_stream(self.page):
            self.step([_value(o) for o in operands], str(op), operands)
        return self

    def step(self, values: list, op: str, operands: list) -> None:
        s = self.state
        if op == "q":
            self.saved.append(replace(s))
        elif op == "Q" and self.saved:
            self.state = self.saved.pop()
        elif op == "cm":
            s.ctm = _multiply(tuple(values), s.ctm)
        elif op in ("BDC", "BMC"):
            props = operands[1] if op == "BDC" and len(operands) > 1 else None
            props = self._properties(props)
            mcid = int(props["/MCID"]) if props is not None and "/MCID" in props else None
            text = str(props["/ActualText"]) if props is not None and "/ActualText" in props else None
            self.marks.append((mcid, text, len(self.glyphs), str(operands[0])))
        elif op == "EMC" and self.marks:
            mcid, text, first, _ = self.marks.pop()
            if text is not None:
                self.actual.append((self._mcid(mcid), text, first, len(self.glyphs)))
        else:
            self._graphics(values, op) or self._text(values, op, operands)

    def _properties(self, props) -> pikepdf.Dictionary | None:
        if isinstance(props, pikepdf.Name):  # a named property list in the page's resources
            props = self.page.obj.get("/Resources", {}).get("/Properties", {}).get(props)
        return props if isinstance(props, pikepdf.Dictionary) else None

    def _mcid(self, own: int | None) -> int | None:
        return own if own is not None else next((m for m, _, _, _ in reversed(self.marks) if m is not None), None)

    def _graphics(self, values: list, op: str) -> bool:
        """Colour, transparency, paths and fills; False if `op` is none of them."""
        s = self.state
        if op in ("g", "G", "rg", "RG", "k", "K"):
            space = {"g": "/DeviceGray", "rg": "/DeviceRGB", "k": "/DeviceCMYK"}[op.lower()]
            self._colour(op.islower(), space, values)
        elif op in ("cs", "CS"):
            space = self._space(values[0])
            black = None if space in ("/Pattern", "?") else (0.0, 0.0, 0.0)  # a new space starts at black
            if op == "cs":
                s.fill_space, s.fill = space, black
            else:
                s.stroke_space, s.stroke = space, black
        elif op in ("sc", "scn", "SC", "SCN"):
            fill = op.islower()
            self._colour(fill, s.fill_space if fill else s.stroke_space, values)
        elif op == "gs":
            gs = self.page.obj.get("/Resources", {}).get("/ExtGState", {}).get(values[0], {})
            s.fill_alpha = float(gs.get("/ca", s.fill_alpha))
            s.stroke_alpha = float(gs.get("/CA", s.stroke_alpha))
        elif op == "re":
            x, y, w, h = values
            self.path.append(
                [self._device(x, y), self._device(x + w, y), self._device(x + w, y + h), self._device(x, y + h)]
            )
        elif op == "m":
            self.path.append([self._device(*values)])
        elif op in ("l", "c", "v", "y") and self.path:
            self.path[-1] += [self._device(values[i], values[i + 1]) for i in range(0, len(values), 2)]
        elif op in ("W", "W*"):
            s.clip = _intersect(s.clip, _bounds(self.path))
        elif op in ("f", "F", "f*", "B", "B*", "b", "b*", "n", "S", "s"):
            if op not in ("n", "S", "s") and s.fill_alpha > 0:
                self.fills.append((self.path, op.endswith("*"), s.fill, s.clip))
            self.path = []
        else:
            return False
        return True

    def _space(self, name) -> str:
        if str(name) in ("/DeviceGray", "/DeviceRGB", "/DeviceCMYK", "/Pattern"):
            return str(name)
        space = self.page.obj.get("/Resources", {}).get("/ColorSpace", {}).get(name)
        family = str(space[0]) if isinstance(space, pikepdf.Array) else str(space)
        if family == "/ICCBased":
            return {1: "/DeviceGray", 3: "/DeviceRGB", 4: "/DeviceCMYK"}.get(int(space[1].get("/N", 0)), "?")
        return family

    def _colour(self, fill: bool, space: str, values: list) -> None:
        numbers = [v for v in values if isinstance(v, float)]
        colour = _srgb(space, numbers) if len(numbers) == len(values) else None  # a pattern: unknown
        if fill:
            self.state.fill_space, self.state.fill = space, colour
        else:
            self.state.stroke_space, self.state.stroke = space, colour

    def _device(self, x: float, y: float) -> tuple[float, float]:
        return _apply(self.state.ctm, x, y)

    def _text(self, values: list, op: str, operands: list) -> None:
        s = self.state
        if op == "BT":
            self.tm = self.tlm = IDENTITY
        elif op == "Tm":
            self.tm = self.tlm = tuple(values)
        elif op in ("Td", "TD"):
            if op == "TD":
                s.leading = -values[1]
            self.tm = self.tlm = _multiply((1, 0, 0, 1, values[0], values[1]), self.tlm)
        elif op == "T*":
            self.tm = self.tlm = _multiply((1, 0, 0, 1, 0, -s.leading), self.tlm)
        elif op == "Tf":
            s.font, s.size = str(operands[0]), values[1]
        elif op in ("Tc", "Tw", "Tz", "TL", "Ts", "Tr"):
            name = {"Tc": "char_space", "Tw": "word_space", "Tz": "scale", "TL": "leading", "Ts": "rise", "Tr": "mode"}
            setattr(s, name[op], values[0] / 100 if op == "Tz" else int(values[0]) if op == "Tr" else values[0])
        elif op in TEXT_OPERATORS:
            if op in ("'", '"'):
                if op == '"':
                    s.word_space, s.char_space = values[0], values[1]
                self.tm = self.tlm = _multiply((1, 0, 0, 1, 0, -s.leading), self.tlm)
            self._show(operands, op)

    def _show(self, operands: list, op: str) -> None:
        """Each code shown: its text, and whether it shows, at its centre; the pen moves on."""
        s = self.state
        fonts = self.page.obj.get("/Resources", {}).get("/Font", {})
        if s.font not in fonts:
            return
        font = fonts[s.font]
        fmap = self.maps.setdefault(s.font, font_map(font))
        items = operands[0] if op == "TJ" else [operands[-1]]
        for item in items:
            if not isinstance(item, pikepdf.String):
                self._move(-float(item) / 1000 * s.size * s.scale)
                continue
            data = bytes(item)
            for i in range(0, len(data), fmap.width):
                code = data[i : i + fmap.width]
                width = advance(font, code) / 1000 * s.size
                text = fmap.decode(code)
                artifact = any(tag == "/Artifact" for *_, tag in self.marks)
                self.glyphs.append(Glyph(text, self._mcid(None), self._hidden(width), artifact))
                space = s.word_space if fmap.width == 1 and code == b" " else 0.0
                self._move((width + s.char_space + space) * s.scale)

    def _move(self, tx: float) -> None:
        self.tm = _multiply((1, 0, 0, 1, tx, 0), self.tm)

    def _hidden(self, width: float) -> str:
        """Why a glyph of this advance, drawn now, does not show ("" if it does)."""
        s = self.state
        if s.mode in INVISIBLE_MODES:
            return INVISIBLE_MODES[s.mode]
        trm = _multiply(self.tm, s.ctm)
        if abs(s.size) * _scale(trm) < MIN_SIZE:
            return f"smaller than {MIN_SIZE:g} pt"
        x, y = _apply(trm, width * s.scale / 2, s.rise + 0.35 * s.size)  # the glyph's middle
        if not _inside(self.box, x, y):
            return "outside the page"
        if s.clip is not None and not _inside(s.clip, x, y):
            return "outside its clipping path"
        paints = [(s.fill, s.fill_alpha)] if s.mode in (0, 2, 4, 6) else []
        paints += [(s.stroke, s.stroke_alpha)] if s.mode in (1, 2, 5, 6) else []
        under = self._background(x, y)
        if all(alpha <= 0 for _, alpha in paints):
            return "fully transparent"
        if all(_same(colour, under) for colour, _ in paints):
            return "the colour of what is under it"
        return ""

    def _background(self, x: float, y: float) -> Colour:
        """The colour of the last fill under (x, y), else the white page."""
        for path, even_odd, colour, clip in reversed(self.fills):
            if (clip is None or _inside(clip, x, y)) and _filled(path, even_odd, x, y):
                return colour
        return WHITE


# --- geometry and colour ------------------------------------------------------------------------


def _value(operand) -> object:
    return float(operand) if isinstance(operand, (int, float, Decimal)) and not isinstance(operand, bool) else operand


def _multiply(a: tuple, b: Matrix) -> Matrix:
    """a × b, PDF matrices [a b c d e f]."""
    a0, a1, a2, a3, a4, a5 = (float(v) for v in a)
    b0, b1, b2, b3, b4, b5 = b
    return (
        a0 * b0 + a1 * b2,
        a0 * b1 + a1 * b3,
        a2 * b0 + a3 * b2,
        a2 * b1 + a3 * b3,
        a4 * b0 + a5 * b2 + b4,
        a4 * b1 + a5 * b3 + b5,
    )


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])


def _scale(m: Matrix) -> float:
    """How much the matrix scales a length (the square root of its determinant's size)."""
    return abs(m[0] * m[3] - m[1] * m[2]) ** 0.5


def _bounds(path: list) -> tuple[float, float, float, float] | None:
    points = [p for sub in path for p in sub]
    if not points:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


def _intersect(a, b) -> tuple[float, float, float, float] | None:
    if a is None or b is None:
        return b if a is None else a
    box = (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))
    return box if box[0] <= box[2] and box[1] <= box[3] else (box[0], box[1], box[0], box[1])


def _inside(box, x: float, y: float) -> bool:
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _filled(path: list, even_odd: bool, x: float, y: float) -> bool:
    """True if (x, y) is inside the path by its fill rule (curves taken by their control points)."""
    winding = 0
    for sub in path:
        for (x1, y1), (x2, y2) in zip(sub, sub[1:] + sub[:1], strict=True):
            if (y1 <= y) != (y2 <= y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                winding += 1 if y2 > y1 else -1
    return winding % 2 == 1 if even_odd else winding != 0


def _srgb(space: str, values: list[float]) -> Colour:
    """A colour in sRGB components, or None for a space this reader cannot tell (a pattern, a separation)."""
    if space == "/DeviceGray" and len(values) == 1:
        return (values[0],) * 3
    if space == "/DeviceRGB" and len(values) == 3:
        return tuple(values)
    if space == "/DeviceCMYK" and len(values) == 4:
        c, m, y, k = values
        return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    if space == "/Lab" and len(values) == 3:
        return _lab(*values)
    return None


def _lab(lightness: float, a: float, b: float) -> Colour:
    """CIE L*a*b* (D50, roughly) in sRGB components, close enough to tell a colour from its background."""
    fy = (lightness + 16) / 116
    f = [fy + a / 500, fy, fy - b / 200]
    x, y, z = (t**3 if t > 6 / 29 else 3 * (6 / 29) ** 2 * (t - 4 / 29) for t in f)
    x, z = x * 0.9642, z * 0.8251
    linear = (
        3.1339 * x - 1.6169 * y - 0.4906 * z,
        -0.9788 * x + 1.9161 * y + 0.0334 * z,
        0.0719 * x - 0.2290 * y + 1.4052 * z,
    )
    return tuple(min(1.0, max(0.0, c)) ** (1 / 2.2) for c in linear)


def _same(a: Colour, b: Colour) -> bool:
    return a is not None and b is not None and max(abs(p - q) for p, q in zip(a, b, strict=True)) < COLOUR_TOLERANCE
