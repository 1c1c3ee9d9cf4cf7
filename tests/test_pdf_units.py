"""Unit tests of the reader's parts: Khmer repair, quality scoring, layout, OCR output, cache."""
from __future__ import annotations

from importers.document import Line, Word
from importers.pdf import khmer, layout, ocr, ocr_cache, quality
from importers.pdf.isolated import document_from_json, document_to_json


def test_pre_base_vowel_in_visual_order_is_put_after_its_consonant():
    assert khmer.normalise("េក") == "កេ"
    assert khmer.normalise("េកាះ") == "កោះ"  # split two-part vowel joined again


def test_pre_base_vowel_inside_a_word_is_left_alone():
    """Regression: 'ម៉ែន' was rewritten because a vowel after a mark looked word-initial."""
    assert khmer.normalise("ម៉ែនផៅវ័រ") == "ម៉ែនផៅវ័រ"


def test_subscript_goes_before_vowel_and_invisible_characters_go():
    assert khmer.normalise("ក\u17bb\u17d2\u179a") == "ក\u17d2\u179a\u17bb"
    assert khmer.normalise("ក\u200bខ") == "កខ"


def test_digits_and_punctuation_are_well_formed_khmer():
    """Regression: Khmer digits and the khan counted as damaged clusters."""
    good, total = khmer.cluster_stats("ថ្ងៃទី១៤ ខែមេសា ឆ្នាំ២០២៦។ ៛")
    assert good == total


def test_marks_without_a_base_are_counted_as_damage():
    good, total = khmer.cluster_stats("ក្រមហុ ុ៊ន ខណ ់ ្ឌ")
    assert total - good >= 4


def test_real_text_is_trusted_and_garbage_is_not():
    real = "The Employer shall pay the Worker a monthly wage of 1,300 SGD on the last day."
    garbage = "xq#Zk@ bvv9&^ rtkpq ==<> Qzxw! mnbv^7 {kqz} ~pl%x zzkrt wq@@b"
    assert quality.assess(real).score >= quality.TRUSTED
    assert quality.assess(garbage).score < quality.TRUSTED


def test_unmapped_glyphs_lower_the_score():
    text = "Worker (cid:12)(cid:7) wage \ufffd\ufffd\ufffd \ue001\ue002 monthly (cid:3)(cid:4)(cid:5)"
    assert quality.assess(text).score < quality.TRUSTED


def test_too_little_text_is_no_text_layer():
    assert quality.assess("  1 ").score == 0.0


def test_layers_that_disagree_on_khmer_clusters_are_flagged():
    chromium_like = "ក្រុមហ៊ុន ធនធានមនុស្ស សុធា " * 5
    damaged = "ក្រមហុ៊ន ធនធានមនស្ស សធុា " * 5
    assert quality.khmer_agreement(chromium_like, chromium_like) == 1.0
    assert quality.khmer_agreement(chromium_like, damaged) < quality.AGREEMENT
    assert quality.khmer_agreement("abc", "abc") is None
    assert quality.khmer_agreement("abc " * 20, chromium_like) == 0.0  # a layer that lost the Khmer


def _words(rows, x0, prefix):
    return [
        Word(f"{prefix}{r}{c}", (x0 + c * 40, 100 + r * 14, x0 + c * 40 + 35, 110 + r * 14))
        for r in range(rows)
        for c in range(3)
    ]


def test_two_columns_are_read_one_after_the_other_and_never_merged():
    left, right = _words(6, 50, "L"), _words(6, 320, "R")
    lines = layout.lines_in_reading_order(right + left)
    texts = [line.text for line in lines]
    assert texts[:6] == [f"L{r}0 L{r}1 L{r}2" for r in range(6)]
    assert texts[6:] == [f"R{r}0 R{r}1 R{r}2" for r in range(6)]


def test_a_heading_across_both_columns_comes_first():
    heading = [Word("CONTRACT", (50, 60, 450, 75))]
    lines = layout.lines_in_reading_order(_words(4, 320, "R") + _words(4, 50, "L") + heading)
    assert lines[0].text == "CONTRACT"
    assert lines[1].text.startswith("L0")


def test_khmer_pieces_split_by_a_layer_are_joined_back():
    """pdftotext returns a vowel drawn as its own glyph as a separate word."""
    words = [
        Word("និ", (60.7, 271.2, 67.6, 297.3)),
        Word("ជក", (83.9, 271.2, 97.6, 297.3)),
        Word("យោ", (67.6, 284.2, 83.9, 292.5)),
    ]
    assert [line.text for line in layout.lines_in_reading_order(words)] == ["និយោជក"]


def test_latin_words_are_never_glued():
    words = [Word("Co.,", (10, 10, 30, 20)), Word("Ltd.", (30.2, 10, 50, 20))]
    assert layout.lines_in_reading_order(words)[0].text == "Co., Ltd."


def test_tesseract_tsv_boxes_become_points():
    tsv = (
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
        "1\t1\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t\n"
        "5\t1\t1\t1\t1\t1\t300\t600\t150\t50\t91.5\tWage\n"
        "5\t1\t1\t1\t1\t2\t500\t600\t100\t50\t3.0\t~\n"
    )
    words = ocr.parse_tsv(tsv, 72 / 300)
    assert [w.text for w in words] == ["Wage"]
    assert words[0].bbox == (72.0, 144.0, 108.0, 156.0)


def test_ocr_cache_round_trip_and_damaged_entry_is_a_miss(tmp_path, monkeypatch):
    monkeypatch.setenv("FAIRRECRUIT_DATA_DIR", str(tmp_path))
    key = ocr_cache.Key("ab" * 32, 2, "tesseract 5.3.0", "khm+eng", 300, "page/1")
    assert ocr_cache.load(key) is None
    ocr_cache.store(key, [Word("ប្រាក់", (1.0, 2.0, 3.0, 4.0))])
    assert ocr_cache.load(key) == [Word("ប្រាក់", (1.0, 2.0, 3.0, 4.0))]
    assert key.path().is_relative_to(tmp_path / "ocr-cache")
    key.path().write_text("{not json", encoding="utf-8")
    assert ocr_cache.load(key) is None


def test_document_survives_the_json_boundary_of_the_isolated_reader():
    import pdf_factory

    from importers.pdf import read_pdf

    document = read_pdf(pdf_factory.simple(), ocr=False)
    assert document_from_json(document_to_json(document)) == document


def test_ocr_latin_words_are_replaced_by_the_text_layer_and_khmer_digits_corrected():
    from importers.pdf import fusion

    ocr_words = [
        Word("MLVT-PRA-2O1/2O23", (10, 10, 100, 20)),  # OCR read zeros as letters
        Word("ស6720366", (110, 10, 160, 20)),  # OCR read a Latin N as a Khmer letter
        Word("រយៈពេល", (170, 10, 200, 20)),
        Word("៤៤", (205, 10, 215, 20)),
    ]
    layer_words = [
        Word("MLVT-PRA-201/2023", (11, 11, 99, 19)),
        Word("N6720366", (111, 11, 159, 19)),
        Word("រយៈេពល", (171, 11, 199, 19)),  # damaged Khmer in the layer: OCR keeps its own
        Word("២៤", (206, 11, 214, 19)),
    ]
    texts = [w.text for w in fusion.correct_ocr(ocr_words, layer_words)]
    assert texts == ["MLVT-PRA-201/2023", "N6720366", "រយៈពេល", "២៤"]


def test_khmer_pieces_are_joined_only_where_the_reference_has_no_real_space():
    from importers.document import Line
    from importers.pdf import fusion

    reference_words = [
        Word("សង្កាត់ចាក់អង្រែលើ", (0, 0, 60, 10)),
        Word("ខណ្ឌមានជ័យ", (64, 0, 100, 10)),
    ]
    reference = fusion.reference_text(reference_words * 3)
    pieces = [Word("សង្កា", (0, 0, 18, 10)), Word("ត់ចាក់អង្រែលើ", (21, 0, 60, 10)),
              Word("ខណ្ឌ", (64, 0, 80, 10)), Word("មានជ័យ", (83, 0, 100, 10))]
    joined = fusion.join_khmer_pieces([Line(pieces)], reference)
    assert joined[0].text == "សង្កាត់ចាក់អង្រែលើ ខណ្ឌមានជ័យ"


def _line(*words: tuple[str, float, float]) -> Line:
    """A text-layer line at top 100: (text, x0, x1) per word."""
    return Line([Word(text, (x0, 100.0, x1, 112.0)) for text, x0, x1 in words])


def test_a_text_layer_line_ocr_left_out_is_a_gap_and_a_read_one_is_not():
    read = _line(("Wage", 50, 90), ("900", 95, 120))
    missed = Line([Word("ពលករ", (50, 140, 120, 152))])
    ocr_words = [Word("Wage", (51, 101, 89, 111)), Word("900", (96, 101, 119, 111))]
    assert ocr.uncovered_lines([read, missed], ocr_words) == [missed]


def test_label_and_value_far_apart_on_one_line_are_not_a_gap():
    """Coverage is measured over the layer's words, not the empty stretch between them."""
    line = _line(("Name", 50, 80), ("Sokha", 400, 440))
    ocr_words = [Word("Name", (50, 101, 80, 111)), Word("Sokha", (400, 101, 440, 111))]
    assert ocr.uncovered_lines([line], ocr_words) == []


def test_rules_and_stray_marks_are_never_gaps():
    assert ocr.uncovered_lines([_line(("______", 50, 200)), _line(("ុ", 50, 52))], []) == []


def test_neighbouring_gap_lines_become_one_region_with_a_margin():
    first = _line(("a1", 50, 200))
    second = Line([Word("b2", (60, 114, 300, 126))])
    far = Line([Word("c3", (50, 400, 100, 412))])
    regions = ocr.gap_regions([far, second, first])
    assert len(regions) == 2
    x0, top, x1, bottom = regions[0]
    assert x0 < 50 and top < 100 and x1 > 300 and bottom > 126


def test_regression_upside_down_word_box_made_the_layout_recurse_forever():
    lines = layout.lines_in_reading_order([Word("a", (0, 0, 10, 10)), Word("b", (0, 30, 10, 0))])
    assert [line.text for line in lines] == ["a b"]  # "b" spans "a"'s row once put upright
    assert lines[0].bbox == (0, 0, 10, 30)


def test_regression_word_of_only_invisible_characters_crashed_the_joining_of_khmer_pieces():
    for invisible in ("\u200b", "\u17b4", "\u17b5"):
        lines = layout.lines_in_reading_order([Word(invisible, (10, 10, 15, 20)), Word("ab", (15.2, 10, 30, 20))])
        assert [line.text for line in lines] == ["ab"]
        alone = layout.lines_in_reading_order([Word(invisible, (10, 10, 15, 20)), Word("ab", (10, 50, 30, 60))])
        assert [line.text for line in alone] == ["ab"]  # a row of nothing visible makes no line


def test_regression_boxes_under_a_tenth_of_a_point_high_made_the_layout_recurse_forever():
    """The core was trimmed by a tenth of a point even where the box was lower than that, so
    a word's centre could fall outside its core and a row cut could leave every word on one
    side (found by fuzzing tiny and zero-height boxes)."""
    words = [Word("a", (5.0, 10.0207, 8.0, 15.0207)), Word("b", (0.596, 10.0207, 1.096, 10.1207)),
             Word("a", (2.0018, 10.01, 5.0018, 10.04)), Word("b", (5.0002, 10.02, 5.5002, 10.02))]
    lines = layout.lines_in_reading_order(words)
    assert sorted(word.text for line in lines for word in line.words) == ["a", "a", "b", "b"]


def test_regression_infinite_or_nan_word_boxes_made_the_layout_recurse_forever():
    broken = [Word("b", (1, 10, float("inf"), -5)), Word("c", (500, 0, 1e308, float("inf"))),
              Word("d", (float("nan"), 1, 2, 3))]
    lines = layout.lines_in_reading_order([*broken, Word("a", (0, 0, 10, 10))])
    assert [line.text for line in lines] == ["a"]
