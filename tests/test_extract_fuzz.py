"""A small seeded fuzz run of every extractor form (issue 12, item 7): random bytes,
random tables without template labels and damaged real reports, 50 inputs per form, the
same inputs every run. No input raises or hangs; garbage and label-less tables give no
figure; a damaged report gives only the intact report's figures. The long run (10,000
inputs per form, random) is `benchmarks/fuzz.py`."""
import pytest

from fuzz_extract import FORMS, check_form


@pytest.mark.parametrize("form", FORMS)
def test_fuzzed_inputs_raise_nothing_and_invent_no_figure(form):
    check_form(form, 50, seed=12)
