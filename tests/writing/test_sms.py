from server.writing.sms import count


def test_gsm7_single_and_multipart() -> None:
    assert (count("").segments, count("é" * 160).segments) == (0, 1)  # é is GSM-7
    assert count("a" * 161).segments == 2 and count("a" * 306).segments == 2
    assert count("a" * 307).segments == 3


def test_extension_characters_count_twice() -> None:
    c = count("€" * 80)
    assert (c.encoding, c.units, c.segments) == ("GSM-7", 160, 1)
    assert count("€" * 81).segments == 2


def test_one_non_gsm_character_switches_to_ucs2() -> None:
    c = count("Cœur " + "a" * 65)
    assert (c.encoding, c.units, c.segments, c.non_gsm) == ("UCS-2", 70, 1, ("œ",))
    assert count("œ" * 71).segments == 2
