"""tools/analyze_errors.py: per-image scores grouped by the synthetic generator's records."""
import csv
import json

import pytest

from mmseg_r2mrf.cli import CommandError

from tiny_data import load_tool

analyze_errors = load_tool('analyze_errors')

# Two scenes over two photographs; 'b' holds most of the missed F.
ROWS = [('test_0000_a', 'subject_sharp', 'gravel', 0.9, 0.05),
        ('test_0001_b', 'background_sharp', 'china', 0.3, 0.40),
        ('test_0002_c', 'subject_sharp', 'china', 1.0, 0.01),
        ('test_0003_d', 'background_sharp', 'gravel', 0.8, 0.10)]


def write_inputs(tmp_path, rows=ROWS, meta_rows=ROWS):
    scores = tmp_path / 'defocus_per_image.csv'
    with open(scores, 'w', newline='') as file:
        writer = csv.writer(file)
        writer.writerow(['image', 'MAE', 'F@maxF', 'F@0.5', 'IoU@0.5'])
        for name, _, _, f, mae in rows:
            writer.writerow([f'/data/image/{name}.jpg', mae, f, f, f])
    meta = tmp_path / 'meta.json'
    meta.write_text(json.dumps(dict(samples=[
        dict(name=name, scene=scene, photo=photo, max_radius=float(index + 1))
        for index, (name, scene, photo, _, _) in enumerate(meta_rows)])))
    return str(scores), str(meta)


def table_rows(report: str, first_cell: str) -> dict:
    """The cells of the Markdown rows whose first cell is in the table headed ``first_cell``."""
    block = next(part for part in report.split('\n\n') if part.startswith(f'| {first_cell} |'))
    cells = [line.strip('| ').split(' | ') for line in block.splitlines()[2:]]
    return {row[0]: row[1:] for row in cells}


def test_groups_by_scene_and_photo_with_points_missed(tmp_path):
    scores, meta = write_inputs(tmp_path)
    report = analyze_errors.main([scores, '--meta', meta, '--worst', '2'])
    assert report.splitlines()[0] == '4 images: maxF 0.7500 (points missed 1.00), MAE 0.1400'
    scenes = table_rows(report, 'scene')
    assert list(scenes) == ['background_sharp', 'subject_sharp']  # most points missed first
    assert scenes['background_sharp'] == ['2', '0.550', '0.90', '0.2500']
    assert scenes['subject_sharp'] == ['2', '0.950', '0.10', '0.0300']
    photos = table_rows(report, 'photo')
    assert photos['china'] == ['2', '0.650', '0.70', '0.2050']
    worst = table_rows(report, 'image')
    assert list(worst) == ['test_0001_b.jpg', 'test_0003_d.jpg']
    assert worst['test_0001_b.jpg'] == ['background_sharp', 'china', '0.300', '0.4000']


def test_numeric_fields_are_grouped_in_quantile_ranges(tmp_path):
    scores, meta = write_inputs(tmp_path)
    radii = table_rows(analyze_errors.main([scores, '--meta', meta, '--by', 'max_radius',
                                            '--bins', '2', '--worst', '0']), 'max_radius')
    # Radii 1, 2 | 3, 4 (the maximum in the last, closed range).
    assert radii == {'1 to 2.5': ['2', '0.600', '0.80', '0.2250'],
                     '2.5 to 4': ['2', '0.900', '0.20', '0.0550']}
    few = table_rows(analyze_errors.main([scores, '--meta', meta, '--by', 'max_radius',
                                          '--worst', '0']), 'max_radius')
    assert sorted(few) == ['1.0', '2.0', '3.0', '4.0']  # no more values than --bins: as they are


def test_without_meta_lists_the_worst_images_only(tmp_path):
    scores, _ = write_inputs(tmp_path)
    report = analyze_errors.main([scores, '--worst', '1'])
    assert '| scene |' not in report
    assert list(table_rows(report, 'image')) == ['test_0001_b.jpg']


def test_baseline_lists_the_largest_changes_per_image(tmp_path):
    (tmp_path / 'new').mkdir()
    (tmp_path / 'old').mkdir()
    # The new model wins 0.5 on b, loses 0.2 on d, leaves a and c as they were.
    new_rows = [ROWS[0], (*ROWS[1][:3], 0.8, 0.10), ROWS[2], (*ROWS[3][:3], 0.6, 0.20)]
    scores, _ = write_inputs(tmp_path / 'new', rows=new_rows)
    baseline, _ = write_inputs(tmp_path / 'old')
    report = analyze_errors.main([scores, '--baseline', baseline, '--worst', '0',
                                  '--changes', '2'])
    assert ('Against the baseline (maxF 0.7500, MAE 0.1400): maxF +0.0750, 1 images better, '
            '1 worse') in report
    changes = table_rows(report, 'image')
    assert list(changes) == ['test_0001_b.jpg', 'test_0003_d.jpg']  # largest |change| first
    assert changes['test_0001_b.jpg'] == ['0.300', '0.800', '+0.500', '0.4000', '0.1000']
    assert changes['test_0003_d.jpg'] == ['0.800', '0.600', '-0.200', '0.1000', '0.2000']


def test_baseline_of_other_images_is_refused(tmp_path):
    (tmp_path / 'new').mkdir()
    (tmp_path / 'old').mkdir()
    scores, _ = write_inputs(tmp_path / 'new')
    baseline, _ = write_inputs(tmp_path / 'old', rows=ROWS[:3])
    with pytest.raises(CommandError, match='1 not in both, e.g. /data/image/test_0003_d.jpg'):
        analyze_errors.main([scores, '--baseline', baseline])
    with pytest.raises(CommandError, match='--changes must be 1 or more'):
        analyze_errors.main([scores, '--baseline', scores, '--changes', '0'])


@pytest.mark.parametrize('case, match', [
    ('missing', 'no such file'),
    ('column', 'no column F@maxF'),
    ('number', 'line 2'),
    ('other_set', 'does not describe /data/image/test_0003_d.jpg'),
    ('field', "no 'blades'"),
])
def test_bad_input_is_a_clear_error(tmp_path, case, match):
    scores, meta = write_inputs(tmp_path, meta_rows=ROWS[:3] if case == 'other_set' else ROWS)
    argv = [scores, '--meta', meta]
    if case == 'missing':
        argv[0] = str(tmp_path / 'nothing.csv')
    elif case == 'column':
        (tmp_path / 'defocus_per_image.csv').write_text('image,MAE\n/a.jpg,0.1\n')
    elif case == 'number':
        (tmp_path / 'defocus_per_image.csv').write_text('image,MAE,F@maxF\n/a.jpg,0.1,high\n')
    elif case == 'field':
        argv += ['--by', 'blades']
    with pytest.raises(CommandError, match=match):
        analyze_errors.main(argv)
