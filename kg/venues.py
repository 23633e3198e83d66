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

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Venue", "KNOWN_VENUES", "normalize_venue", "lookup_venue", "expand_year"]


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
    "3DV": ("conference", ()),
    "ICDAR": ("conference", ()),
    "MICCAI": ("conference", ()),
    "ISBI": ("conference", ()),
    "ACM MM": ("conference", ("ACMMM", "ACM Multimedia")),
    "SIGGRAPH": ("conference", ()),
    "SIGGRAPH Asia": ("conference", ()),
    "ICRA": ("conference", ()),
    "IROS": ("conference", ()),
    "RSS": ("conference", ("Robotics: Science and Systems",)),
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
    "TPAMI": ("journal", ("PAMI", "T-PAMI", "TPMAI",
                          "IEEE Transactions on Pattern Analysis and Machine Intelligence")),
    "IJCV": ("journal", ("International Journal of Computer Vision",)),
    "TIP": ("journal", ("IEEE Transactions on Image Processing",)),
    "TNN": ("journal", ("IEEE Transactions on Neural Networks",)),
    "TNNLS": ("journal", ("IEEE Transactions on Neural Networks and Learning Systems",)),
    "TKDE": ("journal", ("IEEE Transactions on Knowledge and Data Engineering",)),
    "TMM": ("journal", ("IEEE Transactions on Multimedia",)),
    "TCSVT": ("journal", ()),
    "TOG": ("journal", ("ACM Transactions on Graphics",)),
    "TVCG": ("journal", ()),
    "TSP": ("journal", ("IEEE Transactions on Signal Processing",)),
    "TASLP": ("journal", ()),
    "TCYB": ("journal", ()),
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
    "arXiv": ("preprint", ("arxiv preprint", "CoRR", "arXiv.org")),
    "bioRxiv": ("preprint", ()),
    # events (meetings that are not paper venues, e.g. VALSE's annual seminar)
    "VALSE": ("event", ("Vision And Learning SEminar",)),
}  # fmt: skip

# Aliases that are common words or too short to match regardless of case.
_CASE_SENSITIVE = {
    "ALT", "RSS", "DAC", "SDM", "ACL", "UAI", "CHI", "TIP", "TOG", "TMM", "TMI", "TSP",
    "MICRO", "Nature", "Science", "Machine Learning", "Neural Networks", "PRL", "KBS",
    "WWW", "ISCA", "FPGA", "MLJ", "AIJ", "LoG", "Bioinformatics",
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

    >>> expand_year("'18"), expand_year("97"), expand_year("2020"), expand_year("123")
    (2018, 1997, 2020, None)
    """
    digits = text.lstrip("'’‘")
    if not digits.isdigit():
        return None
    if len(digits) == 4 and 1900 <= int(digits) <= 2099:
        return int(digits)
    if len(digits) == 2:
        yy = int(digits)
        return 2000 + yy if yy < 50 else 1900 + yy
    return None


_WORKSHOP = re.compile(r"\b(?:workshops?|ws)\b", re.I)
# words that may follow (or precede) the venue and year without changing it
_MODIFIERS = re.compile(
    r"\b(?:oral|spotlight|poster|best(?:\s+(?:student\s+)?paper)?(?:\s+award)?|short|long|"
    r"demo|findings(?:\s+of)?|main(?:\s+conference)?|accepted|submission|under\s+review|"
    r"in\s+press|(?:full|short)\s+papers?|papers?|track)\b",
    re.I,
)
_SPLIT = re.compile(
    r"^(?P<name>.*?)[\s,]*(?P<year>(?<![\d])(?:19|20)\d{2}(?!\d)|['’‘]\d{2}(?!\d)|(?<=\s)\d{2}$|(?<=[A-Za-z])\d{2}$)"
    r"(?P<rest>.*)$"
)
_BEFORE_WORKSHOP = re.compile(r"^(.*?)\s+workshops?\b", re.I)
_ANY_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def _find_year(text: str) -> int | None:
    m = _ANY_YEAR.search(text)
    return int(m.group(1)) if m else None


_DIGIT = re.compile(r"\d")
_ACRONYM = re.compile(r"^[A-Z][A-Za-z0-9&\-/]{1,11}$")


def _acronym(name: str) -> bool:
    """An all-capitals short acronym such as ``MICAI`` or ``SSPR/SPR`` (not ``Nature``)."""
    if not _ACRONYM.match(name):
        return False
    letters = [c for c in name if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    return upper >= 2 and upper >= 0.6 * len(letters)


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
    """
    s = " ".join(text.replace("\u3000", " ").split())
    s = s.strip(" .,;:()[]（）【】*_")
    if not s or len(s) > 100 or (not slot and len(s) > 90):
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
    if slot and year is not None and _acronym(bare):
        return Venue(bare, year, workshop, "unknown")
    return None
