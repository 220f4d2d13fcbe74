"""Agency names as learners type them, reduced to one comparable form."""
import difflib
import re
import unicodedata

# Common abbreviations in agency names, expanded so "Co." and "County" compare equal.
ABBREVIATIONS = {
    "co": "county", "cnty": "county", "dept": "department", "dep": "department", "pd": "police department",
    "so": "sheriff", "sheriffs": "sheriff", "sheriff's": "sheriff", "ofc": "office", "twp": "township",
    "st": "saint", "mt": "mount", "comm": "communications", "ecc": "emergency communications center",
}
# Words that vary between ways of writing one agency's name.
NOISE = {"the", "of", "office", "agency"}


def normalize(name):
    """'Riverside Co. Sheriff' and "Riverside County Sheriff's Office" both give 'riverside county sheriff'."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    text = text.replace("\u2019", "'").replace("&", " and ")
    words = []
    for word in re.split(r"[\s,./()\-]+", text):
        word = word.strip("'")
        if word.endswith("'s"):
            word = word[:-2]
        word = ABBREVIATIONS.get(word, word)
        words.extend(part for part in word.split() if part and part not in NOISE)
    return " ".join(words)[:200]


def suggestions(normalized, candidates, limit=5, cutoff=0.75):
    """The closest candidate normalized names, best first."""
    return difflib.get_close_matches(normalized, candidates, n=limit, cutoff=cutoff)
