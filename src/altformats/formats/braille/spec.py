"""The BRF page layout that the writer (layout.py) lays out and the reader (read.py) undoes: its geometry and signs.

The layout follows BANA's Braille Formats in the parts a fact sheet needs:
40 cells a line, 25 lines a page, the braille page number at the right of
line 25 (which holds nothing else), preliminary pages numbered p1, p2, ...
Blocks are Unicode braille; a line never splits a word except a word too
long for any line (a long address), which is divided with UEB's line
continuation indicator (dot 5) at the end of the line.

  style       first line             runover lines   around it
  centred     centred, >= 3 blank cells each side     blank line before and after
  cell5       cell 5                 cell 5          blank line before and after
  paragraph   cell 3                 cell 1          -
  item        cell 2L-1, bullet or   cell 2L+1       blank line before and after the list
              number (level 1 only)
  hanging     cell 2L-1              cell 2L+1       (more paragraphs of an item, table cells)
"""

from __future__ import annotations

import re

WIDTH = 40
PAGE_LINES = 25
TEXT_LINES = PAGE_LINES - 1  # line 25 is the page number's
BULLET = "\u2838\u2832"  # UEB bullet, dots 456-256
CONTINUATION = "\u2810"  # UEB line continuation indicator, dot 5
PRELIMINARY = "\u280f"  # the letter p before preliminary page numbers
# A numbered item's marker: the number and a period, in the digits of the code
# (a-j after the number sign; French Antoine digits after dot 6), e.g. #A4 or #A'.
NUMBER = re.compile(
    "(\u283c[\u2801\u2803\u2809\u2819\u2811\u280b\u281b\u2813\u280a\u281a]{1,4}"
    "|\u2820[\u2821\u2823\u2829\u2839\u2831\u282b\u283b\u2833\u282a\u283a]{1,4})[\u2832\u2804] "
)

# The transcriber's note, declared: its heading and its text, per language (English for the others).
# The preliminary pages carry the title page's facts, then these lines, then the braille code's name;
# templates/braille/note.txt.j2 lays them out, and the reader (read_preliminary.py) proves every line.
NOTES: dict[str, tuple[str, ...]] = {
    "en": (
        "Transcriber's note",
        "This braille edition carries the whole text of the print edition. Headings are centred or start in"
        " cell 5, paragraphs start in cell 3 and list items begin with a bullet or their number. Braille page"
        " numbers are at the foot of each page on the right. Braille code:",
    ),
    "es": (
        "Nota del transcriptor",
        "Esta edición en braille lleva todo el texto de la edición impresa. Los títulos van centrados o en la"
        " celda 5, los párrafos empiezan en la celda 3 y los elementos de las listas llevan un signo de viñeta"
        " o su número. Los números de página de braille van al pie a la derecha. Código braille:",
    ),
    "fr": (
        "Note du transcripteur",
        "Cette édition en braille reprend tout le texte de l'édition imprimée. Les titres sont centrés ou"
        " commencent à la cellule 5, les paragraphes commencent à la cellule 3 et les éléments de liste"
        " commencent par une puce ou par leur numéro. Les numéros de page braille sont en bas de chaque page,"
        " à droite. Code braille :",
    ),
    "ar": (
        "ملاحظة الناسخ",
        "تحمل طبعة برايل هذه النص الكامل للطبعة المطبوعة. العناوين في الوسط أو تبدأ في الخلية 5، والفقرات تبدأ"
        " في الخلية 3، وتبدأ عناصر القوائم بعلامة أو برقمها. أرقام صفحات برايل في أسفل كل صفحة على اليمين."
        " رمز برايل:",
    ),
}


def note_for(language: str) -> tuple[str, ...]:
    """The declared transcriber's note for a BCP 47 language (its primary subtag; English if none)."""
    return NOTES.get(language.split("-")[0].lower(), NOTES["en"])
