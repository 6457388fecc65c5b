"""Import files as officers upload them: a CSV with a header row, written the way Excel saves "CSV UTF-8"
(with a byte-order mark), the one helper the import tests write their samples with."""
import csv


def csv_file(tmp_path, header, rows, name="f.csv", encoding="utf-8-sig"):
    path = tmp_path / name
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path
