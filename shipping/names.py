import unicodedata


def normalize_name(name):
    """A locality name as compared: no case, no diacritics (ş/ș, ţ/ț alike),
    no dashes or repeated spaces ("Cluj-Napoca" = "cluj napoca")."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.replace("-", " ").casefold().split())
