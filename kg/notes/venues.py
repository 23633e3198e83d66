"""Recognise and normalise publication venues: ``NIPS 2018 workshop`` -> NeurIPS, 2018, workshop.

A venue string names a conference, journal, workshop, event or preprint server, usually with
a year. :func:`normalize_venue` accepts the spellings notes and paper lists use —
``ICCV2019``, ``ICCV 2019``, ``ICCV'19``, ``(ICCV)``, ``[CVPR 2019 oral]``, ``EMNLP 18``,
``NIPS 2018 workshop``, ``ICLR Workshop``, ``IEEE TNN 1997``, ``ACM Computing Surveys 2020``,
``arxiv`` — and maps known names to one canonical spelling using the table
:data:`KNOWN_VENUES`.

Strings that merely look like ``Name 2020`` are *not* venues unless the name is in the table.
The one exception is a *venue slot* (``slot=True``): the place right after a paper title in
``**Title.** VENUE YEAR.``, inside ``[VENUE YEAR] Title`` brackets, a table's venue column,
or a title's trailing parentheses. There an unknown short all-capitals acronym followed by a
year (``MICAI 2020``, ``SSPR/SPR 2004``) is accepted as written; multi-word unknown names
(``Northumberland Dolphin Dataset 2020``) never are.

Example
-------
>>> normalize_venue("NIPS2019")
Venue(name='NeurIPS', year=2019, workshop=False, kind='conference')
>>> normalize_venue("CVPR'19 oral").year
2019
>>> normalize_venue("Northumberland Dolphin Dataset 2020", slot=True) is None
True
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import lru_cache

#: The earliest publication year accepted (older four-digit numbers are page numbers,
#: volumes or ids).
MIN_YEAR = 1940
#: The latest publication year accepted: next year (papers are listed "to appear").
MAX_YEAR = datetime.date.today().year + 1


def plausible_year(year: int | None) -> bool:
    """A year a paper can have been published in (``MIN_YEAR`` to ``MAX_YEAR``).

    >>> plausible_year(2019), plausible_year(2032), plausible_year(1904)
    (True, False, False)
    """
    return year is not None and MIN_YEAR <= year <= MAX_YEAR


__all__ = [
    "Venue",
    "KNOWN_VENUES",
    "normalize_venue",
    "lookup_venue",
    "expand_year",
    "find_year",
    "arxiv_year",
    "plausible_year",
    "MIN_YEAR",
    "MAX_YEAR",
]


@dataclass(frozen=True)
class Venue:
    """A normalised venue.

    Attributes:
        name: canonical name (``NeurIPS`` for ``NIPS``); unknown slot acronyms as written.
        year: four-digit year, or ``None``.
        workshop: the string names a workshop held with ``name``.
        kind: ``conference``, ``journal``, ``event``, ``preprint``, ``book`` or ``unknown``.
    """

    name: str
    year: int | None = None
    workshop: bool = False
    kind: str = "conference"


# canonical name -> (kind, other spellings). Spellings are matched ignoring case, spaces
# and punctuation; those marked in _CASE_SENSITIVE must also match letter case.
KNOWN_VENUES: dict[str, tuple[str, tuple[str, ...]]] = {
    # machine learning
    "NeurIPS": ("conference", ("NIPS", "NeurIPS", "Neural Information Processing Systems",
                               "Advances in Neural Information Processing Systems")),
    "ICML": ("conference", ("International Conference on Machine Learning",)),
    "ICLR": ("conference", ("International Conference on Learning Representations",)),
    "AAAI": ("conference", ("AAAI Conference on Artificial Intelligence",)),
    "IJCAI": ("conference", ("International Joint Conference on Artificial Intelligence",)),
    "UAI": ("conference", ("Uncertainty in Artificial Intelligence",)),
    "AISTATS": ("conference", ()),
    "COLT": ("conference", ()),
    "ALT": ("conference", ()),
    "ACML": ("conference", ()),
    "ECML-PKDD": ("conference", ("ECML", "PKDD", "ECMLPKDD", "ECML/PKDD")),
    "PAKDD": ("conference", ()),
    "IJCNN": ("conference", ()),
    "ICANN": ("conference", ()),
    "ICONIP": ("conference", ()),
    "ESANN": ("conference", ()),
    "AAMAS": ("conference", ()),
    "ECAI": ("conference", ("European Conference on Artificial Intelligence",)),
    "ICAPS": ("conference", ("International Conference on Automated Planning and Scheduling",)),
    "RLDM": ("conference", ("Multidisciplinary Conference on Reinforcement Learning and Decision Making",)),
    "MLSys": ("conference", ("SysML",)),
    "LoG": ("conference", ("Learning on Graphs",)),
    "CoRL": ("conference", ()),
    "CogSci": ("conference", ("Annual Meeting of the Cognitive Science Society",)),
    # computer vision, graphics, multimedia, robotics
    "CVPR": ("conference", ("Computer Vision and Pattern Recognition",)),
    "ICCV": ("conference", ("International Conference on Computer Vision",)),
    "ECCV": ("conference", ("European Conference on Computer Vision",)),
    "BMVC": ("conference", ()),
    "WACV": ("conference", ()),
    "ACCV": ("conference", ()),
    "ICPR": ("conference", ()),
    "ICIP": ("conference", ()),
    "ICME": ("conference", ()),
    "ICMR": ("conference", ("International Conference on Multimedia Retrieval",)),
    "3DV": ("conference", ()),
    "ICDAR": ("conference", ()),
    "MICCAI": ("conference", ()),
    "ISBI": ("conference", ()),
    "ACM MM": ("conference", ("ACMMM", "ACM Multimedia", "MM")),
    "SIGGRAPH": ("conference", ()),
    "SIGGRAPH Asia": ("conference", ()),
    "ICRA": ("conference", ()),
    "IROS": ("conference", ()),
    "RSS": ("conference", ("Robotics: Science and Systems",)),
    "IV": ("conference", ("IEEE Intelligent Vehicles Symposium", "Intelligent Vehicles Symposium")),
    # language and speech
    "ACL": ("conference", ("Association for Computational Linguistics",)),
    "EMNLP": ("conference", ("Empirical Methods in Natural Language Processing",)),
    "NAACL": ("conference", ("NAACL-HLT", "NAACL HLT")),
    "EACL": ("conference", ()),
    "AACL": ("conference", ("AACL-IJCNLP",)),
    "COLING": ("conference", ()),
    "CoNLL": ("conference", ()),
    "IJCNLP": ("conference", ()),
    "INTERSPEECH": ("conference", ()),
    "ICASSP": ("conference", ()),
    # data mining, web, information retrieval, databases
    "KDD": ("conference", ("SIGKDD", "ACM SIGKDD")),
    "WWW": ("conference", ("TheWebConf", "The Web Conference")),
    "WI": ("conference", ("Web Intelligence", "IEEE/WIC/ACM Web Intelligence")),
    "WSDM": ("conference", ()),
    "SIGIR": ("conference", ()),
    "CIKM": ("conference", ()),
    "ICDM": ("conference", ()),
    "SDM": ("conference", ()),
    "RecSys": ("conference", ()),
    "ECIR": ("conference", ()),
    "ICDE": ("conference", ()),
    "BigData": ("conference", ("IEEE BigData", "IEEE Big Data", "Big Data")),
    "VLDB": ("conference", ("PVLDB",)),
    "SIGMOD": ("conference", ()),
    # systems and hardware
    "DAC": ("conference", ()),
    "ICCAD": ("conference", ()),
    "ISCA": ("conference", ()),
    "MICRO": ("conference", ()),
    "ASPLOS": ("conference", ()),
    "FPGA": ("conference", ()),
    "OSDI": ("conference", ()),
    "NSDI": ("conference", ()),
    "MobiCom": ("conference", ()),
    "INFOCOM": ("conference", ()),
    "CHI": ("conference", ()),
    "ICSE": ("conference", ()),
    # journals
    # (ISO and Web of Science abbreviations such as "IEEE Trans. Image Process." and
    # "IEEE T IMAGE PROCESS" are spellings too; a leading "IEEE" is ignored when matching)
    "TPAMI": ("journal", ("PAMI", "T-PAMI", "TPMAI",
                          "IEEE Transactions on Pattern Analysis and Machine Intelligence",
                          "Trans. Pattern Anal. Mach. Intell.", "T PATTERN ANAL",
                          "T Pattern Anal Mach Intell", "Trans. PAMI")),
    "IJCV": ("journal", ("International Journal of Computer Vision", "Int. J. Comput. Vis.",
                         "Int. J. Comput. Vision", "INT J COMPUT VISION")),
    "TIP": ("journal", ("IEEE Transactions on Image Processing", "Trans. Image Process.",
                        "T IMAGE PROCESS")),
    "TNN": ("journal", ("IEEE Transactions on Neural Networks", "Trans. Neural Netw.")),
    "TNNLS": ("journal", ("IEEE Transactions on Neural Networks and Learning Systems",
                          "Trans. Neural Netw. Learn. Syst.", "T NEUR NET LEAR")),
    "TKDE": ("journal", ("IEEE Transactions on Knowledge and Data Engineering",
                         "Trans. Knowl. Data Eng.", "T KNOWL DATA EN")),
    "TMM": ("journal", ("IEEE Transactions on Multimedia", "Trans. Multimedia",
                        "T MULTIMEDIA")),
    "TCSVT": ("journal", ("IEEE Transactions on Circuits and Systems for Video Technology",
                          "Trans. Circuits Syst. Video Technol.", "T CIRC SYST VID")),
    "TOG": ("journal", ("ACM Transactions on Graphics",)),
    "TVCG": ("journal", ()),
    "TSP": ("journal", ("IEEE Transactions on Signal Processing", "Trans. Signal Process.",
                        "T SIGNAL PROCES")),
    "TASLP": ("journal", ()),
    "TCYB": ("journal", ("IEEE Transactions on Cybernetics", "T CYBERNETICS")),
    "TITS": ("journal", ()),
    "TMI": ("journal", ("IEEE Transactions on Medical Imaging",)),
    "TIST": ("journal", ()),
    "TOIS": ("journal", ()),
    "TKDD": ("journal", ()),
    "JMLR": ("journal", ("Journal of Machine Learning Research",)),
    "TMLR": ("journal", ("Transactions on Machine Learning Research",)),
    "JAIR": ("journal", ()),
    "AIJ": ("journal", ("Artificial Intelligence Journal",)),
    "TACL": ("journal", ("Transactions of the Association for Computational Linguistics",)),
    "Computational Linguistics": ("journal", ()),
    "ACM Computing Surveys": ("journal", ("CSUR", "ACM CSUR", "ACM Comput. Surv.")),
    "AI Open": ("journal", ()),
    "Machine Learning": ("journal", ("MLJ",)),
    "Neural Networks": ("journal", ()),
    "Neural Computation": ("journal", ()),
    "Neurocomputing": ("journal", ("Neuro Computing",)),
    "Pattern Recognition": ("journal", ()),
    "Pattern Recognition Letters": ("journal", ("PRL",)),
    "CVIU": ("journal", ("Computer Vision and Image Understanding",)),
    "Medical Image Analysis": ("journal", ("MedIA",)),
    "Information Sciences": ("journal", ()),
    "Knowledge-Based Systems": ("journal", ("KBS",)),
    "Bioinformatics": ("journal", ()),
    "JCIM": ("journal", ("J. Chem. Inf. Model.", "J.Chem.Inf.Model.",
                         "Journal of Chemical Information and Modeling")),
    "JCAMD": ("journal", ("Journal of Computer-Aided Molecular Design",)),
    "Nature": ("journal", ()),
    "Nature Communications": ("journal", ()),
    "Nature Machine Intelligence": ("journal", ()),
    "Science": ("journal", ()),
    "PNAS": ("journal", ()),
    "Proceedings of the IEEE": ("journal", ()),
    "IEEE Access": ("journal", ()),
    # preprint servers
    "arXiv": ("preprint", ("arxiv preprint", "CoRR", "arXiv.org", "arXiv e-prints",
                           "ArXiv e-print", "preprint arXiv")),
    "bioRxiv": ("preprint", ()),
    # events (meetings that are not paper venues, e.g. VALSE's annual seminar)
    "VALSE": ("event", ("Vision And Learning SEminar",)),
}  # fmt: skip

# Aliases that are common words or too short to match regardless of case.
_CASE_SENSITIVE = {
    "ALT", "RSS", "DAC", "SDM", "ACL", "UAI", "CHI", "TIP", "TOG", "TMM", "TMI", "TSP",
    "MICRO", "Nature", "Science", "Machine Learning", "Neural Networks", "PRL", "KBS",
    "WWW", "ISCA", "FPGA", "MLJ", "AIJ", "LoG", "Bioinformatics", "MM", "IV", "WI",
}  # fmt: skip

_KEY_DROP = re.compile(r"[\W_]+")


def _key(text: str) -> str:
    return _KEY_DROP.sub("", text.casefold())


_LOOKUP: dict[str, tuple[str, str, str]] = {}  # key -> (canonical, kind, spelling)
for _name, (_kind, _aliases) in KNOWN_VENUES.items():
    for _spelling in (_name, *_aliases):
        _LOOKUP.setdefault(_key(_spelling), (_name, _kind, _spelling))


_PROC_PREFIX = re.compile(
    r"^(?:(?:in\s+)?proc(?:eedings|\.)?\s+(?:of\s+)?(?:the\s+)?)?(?:IEEE/CVF|IEEE|ACM)?\s*"
    r"(?:(?:\d+(?:st|nd|rd|th)\s+)?(?:annual\s+)?(?:international\s+)?(?:joint\s+)?"
    r"conference\s+on\s+)?",
    re.I,
)
_CONF_SUFFIX = re.compile(r"\s+(?:conference|conf\.?)$", re.I)
_IEEE_ACM = re.compile(r"^(?:IEEE|ACM)[\s/-]+")


@lru_cache(maxsize=8192)
def lookup_venue(name: str) -> tuple[str, str] | None:
    """Canonical name and kind of a venue name without a year, or ``None`` when unknown.

    Leading ``IEEE``/``ACM``/``Proceedings of (the)`` and a trailing ``Conference`` are
    ignored; ``A/B`` tries each part.

    >>> lookup_venue("IEEE TNN")
    ('TNN', 'journal')
    >>> lookup_venue("EMNLP/IJCNLP")
    ('EMNLP', 'conference')
    >>> lookup_venue("nature") is None  # common words must keep their capital letter
    True
    """
    name = name.strip(" .,;:-–—()[]")
    if not name:
        return None
    candidates = [name]
    stripped = _CONF_SUFFIX.sub("", _PROC_PREFIX.sub("", name))
    if stripped and stripped != name:
        candidates.append(stripped)
    for c in list(candidates):
        if "/" in c:
            candidates.extend(p for p in c.split("/") if p.strip())
    for c in candidates:
        hit = _LOOKUP.get(_key(c))
        if hit is None:
            continue
        canonical, kind, spelling = hit
        if spelling in _CASE_SENSITIVE and c.strip() != spelling:
            continue
        return canonical, kind
    return None


def expand_year(text: str) -> int | None:
    """A four-digit year from ``2019``, ``'19`` or ``19`` (two digits: 00-49 -> 20xx).

    Years outside :func:`plausible_year` are no years (``32`` in ``PAMI 32`` is a volume).

    >>> expand_year("'18"), expand_year("97"), expand_year("2020"), expand_year("123")
    (2018, 1997, 2020, None)
    >>> expand_year("32"), expand_year("1904")
    (None, None)
    """
    digits = text.lstrip("'’‘")
    if not digits.isdigit():
        return None
    year = None
    if len(digits) == 4:
        year = int(digits)
    elif len(digits) == 2:
        yy = int(digits)
        year = 2000 + yy if yy < 50 else 1900 + yy
    return year if plausible_year(year) else None


# an arXiv identifier: new style (1904.04762, 2106.01234v2) and old style (cs/0701001)
_ARXIV_ID = re.compile(
    r"(?:arxiv\s*:\s*|arxiv\.org/(?:abs|pdf)/|abs/)?(?<![\d.])(\d{2})(\d{2})\.\d{4,5}(?:v\d+)?(?![\d])"
    r"|(?:arxiv\s*:\s*)?[a-z\-]+(?:\.[A-Z]{2})?/(\d{2})\d{5}(?:v\d+)?",
    re.I,
)
# numbers that are not years: page ranges, "pp. 1957", "no. 2019", volumes before "(",
# DOIs, and arXiv identifiers
_NOT_YEAR = re.compile(
    r"(?:pp?\.|pages?|no\.|vol\.|volume|issue)\s*\d+(?:\s*[-–—]+\s*\d+)?"
    r"|\d+\s*[-–—]+\s*\d+|10\.\d{4,9}/\S+",
    re.I,
)


def arxiv_year(arxiv_id: str) -> int | None:
    """The year an arXiv identifier was issued in (``YYMM.NNNNN`` -> ``20YY``).

    >>> arxiv_year("1904.04762"), arxiv_year("arXiv:2106.01234v2"), arxiv_year("cs/9905014")
    (2019, 2021, 1999)
    >>> arxiv_year("1913.00001") is None  # month 13: not an identifier
    True
    """
    m = _ARXIV_ID.search(arxiv_id)
    if m is None:
        return None
    if m.group(1) is not None:
        if not 1 <= int(m.group(2)) <= 12:
            return None
        return 2000 + int(m.group(1))
    yy = int(m.group(3))
    return 2000 + yy if yy < 50 else 1900 + yy


def _strip_ids(text: str) -> str:
    return _ARXIV_ID.sub(" ", text) if any(c.isdigit() for c in text) else text


def find_year(text: str, *, last: bool = False) -> int | None:
    """The publication year written in ``text`` (the first, or the ``last``, one).

    Only four-digit years in the plausible range count, and never the digits of an arXiv id,
    a DOI, a page range or a volume / issue number.

    >>> find_year("arXiv preprint arXiv:1904.04762 (2019)"), find_year("arXiv:1904.04762")
    (2019, None)
    >>> find_year("IEEE Trans. PAMI, 32, no. 9 (2010): 1627-1645")
    2010
    >>> find_year("In ICRA, pp. 1957-1964. IEEE, 2016.", last=True)
    2016
    """
    if not any(c.isdigit() for c in text):
        return None
    t = _NOT_YEAR.sub(" ", _strip_ids(text))
    years = [int(y) for y in _ANY_YEAR.findall(t) if plausible_year(int(y))]
    if not years:
        return None
    return years[-1] if last else years[0]


_WORKSHOP = re.compile(r"\b(?:workshops?|ws)\b", re.I)
# words that may follow (or precede) the venue and year without changing it
_MODIFIERS = re.compile(
    r"\b(?:oral|spotlight|poster|best(?:\s+(?:student\s+)?paper)?(?:\s+award)?|short|long|"
    r"demo|findings(?:\s+of)?|main(?:\s+conference)?|accepted|submission|under\s+review|"
    r"in\s+press|(?:full|short)\s+papers?|papers?|track)\b",
    re.I,
)
_SPLIT = re.compile(
    r"^(?P<name>.*?)[\s,]*(?P<year>(?<![\d])(?:19|20)\d{2}(?!\d|[-/.]\d)|['’‘]\d{2}(?!\d)|(?<=\s)\d{2}$|(?<=[A-Za-z])\d{2}$)"
    r"(?P<rest>.*)$"
)
_BEFORE_WORKSHOP = re.compile(r"^(.*?)\s+workshops?\b", re.I)
_ANY_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def _find_year(text: str) -> int | None:
    return find_year(text)


_DIGIT = re.compile(r"\d")
# unknown acronyms need three characters: two-letter ones ("AI 2015") are too often not venues
_ACRONYM = re.compile(r"^[A-Z][A-Za-z0-9&\-/]{2,11}$")


def _acronym(name: str) -> bool:
    """An all-capitals short acronym such as ``MICAI`` or ``SSPR/SPR`` (not ``Nature``)."""
    if not _ACRONYM.match(name):
        return False
    letters = [c for c in name if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    return upper >= 2 and upper >= 0.6 * len(letters)


# words of a spelled-out proceedings or journal name ("Proc. ... Conf. ... (ICML)")
_LONG_NAME = re.compile(
    r"\b(?:proc|proceedings|conf|conference|int|international|symposium|meeting|journal|"
    r"trans|transactions|workshops?|annual|advances|empirical|association|congress)\b",
    re.I,
)
_PAREN_ACRONYM = re.compile(r"\(\s*([A-Za-z][\w\-/&]{1,15}?)(?:\s*['’]?(\d{2}|\d{4}))?\s*\)")


_DATE_IN = re.compile(r"(?<!\d)((?:19|20)\d{2})[-/.]\d{1,2}[-/.]\d{1,2}(?!\d)")
_VOLUME = re.compile(
    r"(?<=[A-Za-z.])\s+\d{1,3}(?:\s*\(\d{1,3}\))?(?:\s*,?\s*no\.\s*\d+)?\s*[,:]"
    r"(?=[^,:]*?(?:19|20)\d{2})"
)


def _acronym_in_parens(s: str) -> Venue | None:
    """``Proc. 36th Int. Conf. Machine Learning (ICML)``: the known acronym in parentheses."""
    for m in _PAREN_ACRONYM.finditer(s):
        if not _LONG_NAME.search(s[: m.start()]):
            continue
        hit = lookup_venue(m.group(1))
        if hit is None:
            continue
        year = expand_year(m.group(2)) if m.group(2) else None
        workshop = bool(_WORKSHOP.search(s))
        return Venue(hit[0], year or find_year(s, last=True), workshop, hit[1])
    return None


@lru_cache(maxsize=16384)
def normalize_venue(text: str, *, slot: bool = False) -> Venue | None:
    """Normalise a venue string, or return ``None`` when it is not one.

    ``slot=True`` says the string stands where a venue is expected (see the module docs):
    then trailing words after the year (``[NIPS 2018 Bengio]``) are tolerated and unknown
    all-capitals acronyms with a year are accepted.

    >>> normalize_venue("ICLR Workshop")
    Venue(name='ICLR', year=None, workshop=True, kind='conference')
    >>> normalize_venue("ACM Computing Surveys 2020")
    Venue(name='ACM Computing Surveys', year=2020, workshop=False, kind='journal')
    >>> normalize_venue("EMNLP 18").year
    2018
    >>> normalize_venue("(ICCV)").name
    'ICCV'
    >>> normalize_venue("NIPS 2018 Bengio") is None, normalize_venue("NIPS 2018 Bengio", slot=True).name
    (True, 'NeurIPS')
    >>> normalize_venue("MICAI 2020", slot=True).name, normalize_venue("MICAI 2020")
    ('MICAI', None)
    >>> normalize_venue("Pruning from Scratch 2020", slot=True) is None
    True

    An arXiv identifier is no part of the name, and a known acronym in parentheses names the
    venue of a long proceedings title:

    >>> normalize_venue("arXiv preprint arXiv:1904.04762")
    Venue(name='arXiv', year=None, workshop=False, kind='preprint')
    >>> normalize_venue("Proc. 36th Int. Conf. Machine Learning (ICML), 2019", slot=True)
    Venue(name='ICML', year=2019, workshop=False, kind='conference')
    >>> normalize_venue("IEEE T MULTIMEDIA 2020").name
    'TMM'
    """
    s = " ".join(text.replace("\u3000", " ").split())
    low = s.lower()
    if "arxiv" in low or "/" in s:
        s = _strip_ids(s)
    if "(" in s and len(s) <= 160 and (v := _acronym_in_parens(s)) is not None:
        return v
    s = s.strip(" .,;:()[]（）【】*_")
    if not s or len(s) > 160:
        return None
    if "," in s or ":" in s:  # "PAMI 32(9), 2010": a volume (issue) before the year
        s = _VOLUME.sub(" ", s)
    dated = bool(_DATE_IN.search(s))
    if dated:  # "CVPR 2016-04-22": the year of a date
        s = _DATE_IN.sub(r"\1", s)
    if len(s) > 100 or (not slot and len(s) > 90):
        return None
    low = s.lower()
    workshop = ("workshop" in low or "ws" in low) and bool(_WORKSHOP.search(s))
    m = _SPLIT.match(s) if _DIGIT.search(s) else None
    year: int | None = None
    rest = ""
    if m and m.group("name").strip():
        name = m.group("name")
        year = expand_year(m.group("year"))
        rest = m.group("rest")
    else:
        name = s
    if workshop:
        name = _WORKSHOP.sub(" ", name)
    if " " in name:
        name = _MODIFIERS.sub(" ", name)
    name = " ".join(name.split()).strip(" .,;:-–—()'’")
    rest_clean = rest.strip(" .,;:-–—()[]")
    if rest_clean:
        rest_clean = _MODIFIERS.sub(" ", _WORKSHOP.sub(" ", rest)).strip(" .,;:-–—()[]")
    if rest_clean and not slot:
        return None
    if not name:
        return None
    hit = lookup_venue(name)
    if hit is not None:
        canonical, kind = hit
        return Venue(canonical, year, workshop, kind)
    # "CVPRW 2019", "ICCVW"
    if name.endswith("W") and (hit := lookup_venue(name[:-1])) is not None:
        return Venue(hit[0], year, True, hit[1])
    # "NIPS Workshop on Bayesian Deep Learning": a named workshop of a known venue
    if workshop and (wm := _BEFORE_WORKSHOP.match(s)) and (hit := lookup_venue(wm.group(1))):
        return Venue(hit[0], year or _find_year(s), True, hit[1])
    bare = _IEEE_ACM.sub("", name)
    if slot and year is not None and not dated and _acronym(bare):
        return Venue(bare, year, workshop, "unknown")
    return None
