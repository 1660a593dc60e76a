"""The BRF page layout that the writer (layout.py) lays out and the reader (read.py) undoes: geometry, signs, formats.

The layout follows BANA's *Braille Formats: Principles of Print-to-Braille
Transcription, 2016* (section numbers in docs/braille.md): 40 cells a line,
25 lines a page, the braille page number at the right of line 25 (§1.15),
a running head centred on line 1 from the second body page (§1.8), pages the
transcriber generates numbered t1, t2, ... (§2.2). Blocks are Unicode braille;
a line never splits a word except one too long for any line (a long address),
divided with UEB's line continuation indicator (dot 5) at the end of the line.

  style         first line       runover   around it
  centred       centred, >= 3 blank cells  blank line before and after (§4.4)
  cell5         cell 5           cell 5    blank line before, none after (§4.5)
  cell7         cell 7           cell 7    blank line before, none after (§4.6)
  paragraph     cell 3           cell 1    -  (§1.9)
  item          cell 2L-1        cell 2L+1 blank line before and after the list (§8)
  continuation  cell 2L+3        cell 2L+1 a further paragraph of an item at level L
  hanging       cell 2L-1        cell 2L+1 transcriber's pages, a symbol and its meaning
  entry         cell 1 / cell 3  cell 5    listed table: a row's first cell / its other cells (§11)
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass

WIDTH = 40
PAGE_LINES = 25
TEXT_LINES = PAGE_LINES - 1  # line 25 is the page number's
BULLET = "\u2838\u2832"  # UEB bullet, dots 456-256
CONTINUATION = "\u2810"  # UEB line continuation indicator, dot 5
TRANSCRIBER = "\u281e"  # the letter t before the numbers of the pages the transcriber generates (§2.2)
CENTRED_MARGIN = 3  # blank cells at least on each side of a centred line (§4.4)
LABEL = ": "  # between a listed table's column heading and a cell's value (§11)
# A numbered item's marker: the number and a period, in the digits of the code
# (a-j after the number sign; French Antoine digits after dot 6), e.g. #A4 or #A'.
NUMBER = re.compile(
    "(\u283c[\u2801\u2803\u2809\u2819\u2811\u280b\u281b\u2813\u280a\u281a]{1,4}"
    "|\u2820[\u2821\u2823\u2829\u2839\u2831\u282b\u283b\u2833\u282a\u283a]{1,4})[\u2832\u2804] "
)


@dataclass(frozen=True)
class Authority:
    """A braille authority's formats, as the layout applies them; `name` is given on the transcriber's notes page."""

    key: str
    name: str
    running_head: bool = True  # the title centred on line 1 of every body page but the first
    closing: bool = True  # a closing line ("THE END" or the language's word) after the text
    page_number: str = "bottom-right"  # the braille page number's place (only bottom-right is laid out)


# The formats per authority (docs/braille.md lists their sources). Codes whose authority
# publishes no formats manual we could consult follow BANA's layout with their own signs
# and words; their entries say so in their name, rather than claim a manual.
AUTHORITIES: dict[str, Authority] = {
    "bana": Authority("bana", "BANA Braille Formats 2016"),
    # UKAAF's Braille layout guidance asks for no running head and no closing line;
    # it puts the page number at the top right, which this layout does not do yet.
    "ukaaf": Authority("ukaaf", "UKAAF braille layout", running_head=False, closing=False, page_number="top-right"),
    "es": Authority("es", "BANA Braille Formats 2016, signos CBE"),
    "fr": Authority("fr", "BANA Braille Formats 2016, signes du braille français"),
    "de": Authority("de", "BANA Braille Formats 2016, deutsche Brailleschrift"),
    "pt": Authority("pt", "BANA Braille Formats 2016, braille português"),
    "nl": Authority("nl", "BANA Braille Formats 2016, Nederlandse braille"),
    "ar": Authority("ar", "BANA Braille Formats 2016, برايل عربي"),
}
AUTHORITY_OF = {"en": "bana", "en-us": "bana", "en-ca": "bana", "en-gb": "ukaaf"}  # else the primary subtag's


def authority_for(language: str) -> Authority:
    """The authority whose formats a BCP 47 language's braille follows (BANA for English but en-GB)."""
    primary, *rest = language.lower().split("-")
    region = next((part for part in rest if len(part) == 2), "")
    key = AUTHORITY_OF.get(f"{primary}-{region}") or AUTHORITY_OF.get(primary) or primary
    return AUTHORITIES.get(key, AUTHORITIES["bana"])


@dataclass(frozen=True)
class Words:
    """The words of the transcriber's pages in one language."""

    note: tuple[str, ...]  # the transcriber's notes: heading, then its lines (§2.6)
    transcribed_by: str  # "{}" is the transcriber or agency (§2.3)
    volume: str  # "{t}" and "{n}": the last transcriber's page and the last body page
    symbols: str  # the special symbols page's heading (§2.5)
    meanings: dict[str, str]  # each special symbol's meaning, by key (SYMBOLS)
    closing: str  # the closing line


WORDS: dict[str, Words] = {
    "en": Words(
        (
            "Transcriber's Notes",
            "This braille edition carries the whole text of the print edition. Centred headings and headings in"
            " cell 5 and cell 7 follow BANA; paragraphs start in cell 3, list items in cell 1 (nested ones two"
            " cells further in) with their runovers aligned, and each table row is listed with its column"
            " headings. A link's address follows its words."
            " Braille page numbers are at the foot of each page on the right. Braille code:",
        ),
        "Transcribed by {}",
        "In 1 volume, braille pages t1-t{t} and 1-{n}",
        "Special Symbols",
        {
            "bullet": "bullet",
            "italic": "italic indicators",
            "bold": "bold indicators",
            "change": "change of type",
            "continuation": "line continuation indicator",
        },
        "THE END",
    ),
    "es": Words(
        (
            "Notas del transcriptor",
            "Esta edición en braille lleva todo el texto de la edición impresa. Los títulos van centrados o en las"
            " celdas 5 y 7, los párrafos empiezan en la celda 3, los elementos de las listas en la celda 1 y cada"
            " fila de una tabla se da con los títulos de sus columnas. La dirección de un enlace sigue a sus"
            " palabras. Los números de página de braille van al pie a la derecha. Código braille:",
        ),
        "Transcrito por {}",
        "En 1 volumen, páginas braille t1-t{t} y 1-{n}",
        "Signos especiales",
        {
            "bullet": "elemento de lista",
            "italic": "cursiva",
            "bold": "negrita",
            "change": "cambio de tipo de letra",
            "continuation": "continuación de línea",
        },
        "FIN",
    ),
    "fr": Words(
        (
            "Notes du transcripteur",
            "Cette édition en braille reprend tout le texte de l'édition imprimée. Les titres sont centrés ou"
            " commencent aux cellules 5 et 7, les paragraphes à la cellule 3, les éléments de liste à la cellule 1"
            " et chaque ligne d'un tableau est donnée avec les titres de ses colonnes. L'adresse d'un lien suit"
            " ses mots. Les numéros de page braille sont en bas de chaque page, à droite. Code braille :",
        ),
        "Transcrit par {}",
        "En 1 volume, pages braille t1-t{t} et 1-{n}",
        "Signes particuliers",
        {
            "bullet": "puce",
            "italic": "italique",
            "bold": "gras",
            "change": "changement de caractère",
            "continuation": "suite de la ligne",
        },
        "FIN",
    ),
    "de": Words(
        (
            "Anmerkungen der Übertragung",
            "Diese Braille-Ausgabe enthält den ganzen Text der Druckausgabe. Überschriften stehen in der Mitte oder"
            " beginnen in Zelle 5 und 7, Absätze beginnen in Zelle 3, Listenpunkte in Zelle 1, und jede Zeile einer"
            " Tabelle wird mit den Überschriften ihrer Spalten gegeben. Die Adresse eines Links folgt seinen"
            " Worten. Die Seitenzahlen stehen unten rechts auf jeder Seite. Brailleschrift:",
        ),
        "Übertragen von {}",
        "In 1 Band, Brailleseiten t1-t{t} und 1-{n}",
        "Besondere Zeichen",
        {
            "bullet": "Listenpunkt",
            "italic": "kursiv",
            "bold": "fett",
            "change": "Schriftwechsel",
            "continuation": "Zeilenfortsetzung",
        },
        "ENDE",
    ),
    "pt": Words(
        (
            "Notas do transcritor",
            "Esta edição em braille contém todo o texto da edição impressa. Os títulos estão ao centro ou começam"
            " nas celas 5 e 7, os parágrafos começam na cela 3, os elementos das listas na cela 1 e cada linha de"
            " uma tabela é dada com os títulos das suas colunas. O endereço de uma ligação segue as suas palavras."
            " Os números de página braille estão no fundo de cada página, à direita. Código braille:",
        ),
        "Transcrito por {}",
        "Em 1 volume, páginas braille t1-t{t} e 1-{n}",
        "Sinais especiais",
        {
            "bullet": "elemento de lista",
            "italic": "itálico",
            "bold": "negrito",
            "change": "mudança de tipo de letra",
            "continuation": "continuação da linha",
        },
        "FIM",
    ),
    "nl": Words(
        (
            "Opmerkingen van de transcriptie",
            "Deze braille-uitgave bevat de hele tekst van de gedrukte uitgave. Koppen staan in het midden of"
            " beginnen in cel 5 en 7, alinea's beginnen in cel 3, lijstitems in cel 1, en elke rij van een tabel"
            " wordt gegeven met de koppen van haar kolommen. Het adres van een link volgt zijn woorden. De"
            " paginanummers staan onderaan elke pagina rechts. Braillecode:",
        ),
        "Getranscribeerd door {}",
        "In 1 deel, braillepagina's t1-t{t} en 1-{n}",
        "Bijzondere tekens",
        {
            "bullet": "lijstitem",
            "italic": "cursief",
            "bold": "vet",
            "change": "wisseling van lettertype",
            "continuation": "voortzetting van de regel",
        },
        "EINDE",
    ),
    "ar": Words(
        (
            "ملاحظات الناسخ",
            "تحمل طبعة برايل هذه النص الكامل للطبعة المطبوعة. العناوين في الوسط أو تبدأ في الخلية 5 أو 7، والفقرات"
            " تبدأ في الخلية 3، وعناصر القوائم في الخلية 1، ويعطى كل صف من الجدول مع عناوين أعمدته. ويتبع عنوان"
            " الرابط كلماته. أرقام صفحات برايل في أسفل كل صفحة على اليمين. رمز برايل:",
        ),
        "نسخه {}",
        "في مجلد 1، صفحات برايل t1-t{t} و 1-{n}",
        "رموز خاصة",
        {
            "bullet": "عنصر قائمة",
            "italic": "مائل",
            "bold": "عريض",
            "change": "تغيير الخط",
            "continuation": "تتمة السطر",
        },
        "النهاية",
    ),
}
NOTES = {language: words.note for language, words in WORDS.items()}
TRANSCRIBER_NAME = "altformats"  # the agency named on the title page unless ALTFORMATS_BRAILLE_TRANSCRIBER says


def words_for(language: str) -> Words:
    """The transcriber's pages' words for a BCP 47 language (its primary subtag; English if none)."""
    return WORDS.get(language.split("-")[0].lower(), WORDS["en"])


def note_for(language: str) -> tuple[str, ...]:
    """The declared transcriber's notes for a BCP 47 language (its primary subtag; English if none)."""
    return words_for(language).note


def transcriber() -> str:
    """The transcriber or agency the title page names (§2.3)."""
    return os.environ.get("ALTFORMATS_BRAILLE_TRANSCRIBER", "").strip() or TRANSCRIBER_NAME


def transcription_year(source_year: int) -> int:
    """The year of transcription: SOURCE_DATE_EPOCH's year when set (a reproducible build), else the source's."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return time.gmtime(int(epoch)).tm_year if epoch.isdigit() else source_year


def heading_style(level: int) -> str:
    """The braille heading for a print heading level: ## centred, ### cell 5, #### and deeper cell 7 (§4.2)."""
    return "centred" if level <= 2 else "cell5" if level == 3 else "cell7"


BLANK_AFTER = {"centred": True, "cell5": False, "cell7": False}  # every heading has a blank line before it (§4.3)
