"""A helper module, importable by callHelper from the runtime's helper folder."""


def slug(text, sep="-"):
    return sep.join(text.lower().split())


def word_count(text):
    return len(text.split())
