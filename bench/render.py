"""Form rendering benchmark: personalised PDFs per second on one core, and their size.

    .venv/bin/python bench/render.py [--forms 500]

Prints the once-per-version set-up time, then ms/form and KB/form over N renders with a
different survey code, dossier and procedure each time (what dispatch does).
"""

from __future__ import annotations

import argparse
import json
import time

from khaosat.survey.codes import new_code
from khaosat.survey.questionnaire import load_questionnaire
from khaosat.survey.render import FormContext, FormRenderer


def contexts(count: int) -> list[FormContext]:
    return [
        FormContext(
            organization="Sở Khoa học và Công nghệ",
            parent="UBND tỉnh Lâm Đồng",
            survey_code=new_code(),
            dossier_code=f"000.00.12.H36-260105-{index:04d}",
            procedure="Cấp Giấy chứng nhận đăng ký hoạt động khoa học và công nghệ "
            f"cho tổ chức khoa học và công nghệ số {index}",
            unit="Phòng Quản lý khoa học",
            round_name="2026-1",
            return_email="phieu@skhcn.example.gov.vn",
            return_fax="0263 3822 111",
            return_address="12 Đường Trần Phú, TP. Đà Lạt",
            website="skhcn.example.gov.vn",
        )
        for index in range(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forms", type=int, default=500)
    args = parser.parse_args()
    started = time.perf_counter()
    renderer = FormRenderer(load_questionnaire())
    setup_ms = (time.perf_counter() - started) * 1000
    work = contexts(args.forms)
    cpu = time.process_time()
    started = time.perf_counter()
    sizes = [len(renderer.render(context)) for context in work]
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu
    result = {
        "forms": args.forms,
        "setup_ms": round(setup_ms, 1),
        "ms_per_form": round(wall * 1000 / args.forms, 3),
        "cpu_ms_per_form": round(cpu * 1000 / args.forms, 3),
        "forms_per_second": round(args.forms / wall, 1),
        "kb_per_form": round(sum(sizes) / len(sizes) / 1024, 1),
    }
    print(
        f"setup {result['setup_ms']} ms; {result['ms_per_form']} ms/form "
        f"({result['forms_per_second']} forms/s on one core); {result['kb_per_form']} KB/form"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
