"""Every dataset is documented three ways: catalog entry, README section, and a matching header."""

import csv
import filecmp
import shutil
import subprocess
import sys

import pytest

from ocopkit import datasets

NAMES = sorted(datasets.catalog())


class TestCatalog:
    @pytest.mark.parametrize("name", NAMES)
    def test_dictionary_matches_the_header(self, name):
        with datasets.path(name).open(encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        assert header == list(datasets.catalog()[name]["columns"])

    @pytest.mark.parametrize("name", NAMES)
    def test_entry_has_source_licence_and_titles(self, name):
        entry = datasets.catalog()[name]
        for key in ("source", "licence", "title_vi", "title_en", "synthetic"):
            assert entry.get(key) not in (None, ""), key

    def test_every_csv_is_in_the_catalog(self, repo):
        files = {p.name for p in (repo / "datasets").glob("*.csv")}
        assert files == {entry["file"] for entry in datasets.catalog().values()}

    @pytest.mark.parametrize("name", NAMES)
    def test_readme_documents_each_file(self, repo, name):
        readme = (repo / "datasets" / "README.md").read_text(encoding="utf-8")
        assert f"## {datasets.catalog()[name]['file']}" in readme

    def test_synthetic_data_say_so(self, repo):
        readme = (repo / "datasets" / "README.md").read_text(encoding="utf-8")
        for name, entry in datasets.catalog().items():
            if entry["synthetic"]:
                assert entry.get("script"), name
                assert "SYNTHETIC" in readme.split(f"## {entry['file']}")[1].split("\n## ")[0]


class TestLoading:
    def test_vietnamese_text_keeps_its_diacritics(self):
        assert "Bưởi Phúc Trạch" in set(datasets.load("topic08_products_sample")["ten_san_pham"])

    def test_describe_shows_meaning_and_source(self):
        table = datasets.describe("topic08_products_sample")
        assert list(table.columns) == ["cột", "ý nghĩa"]
        assert table.attrs["synthetic"] is True

    def test_unknown_dataset_lists_the_known_ones(self):
        with pytest.raises(KeyError, match="topic08_products_sample"):
            datasets.load("nope")


class TestSyntheticScripts:
    def test_scripts_reproduce_the_committed_files(self, repo, tmp_path):
        copy = tmp_path / "datasets"
        shutil.copytree(repo / "datasets", copy)
        scripts = {datasets.catalog()[n]["script"] for n in NAMES if datasets.catalog()[n]["synthetic"]}
        for script in scripts:
            subprocess.run([sys.executable, str(copy / script)], check=True)
        for name in NAMES:
            file = datasets.catalog()[name]["file"]
            assert filecmp.cmp(copy / file, repo / "datasets" / file, shallow=False), file
