"""Foundation figures: rendering a topic's student view, and a knowledge-check submission."""
import json

from webob import Request

from timing import median_ms

RUNS = 60


def run(report):
    from workbench.runtime import WorkbenchRuntime

    runtime = WorkbenchRuntime("bench-learner")
    usage_id = runtime.parse_xml_string('<elsx_topic topic_id="child-sex-trafficking"/>')
    block = runtime.get_block(usage_id)
    topic = block.topic()

    report("topic student view render (median)", median_ms(lambda: runtime.render(block, "student_view"), RUNS, warmup=5),
           "ms", "interactive: < 50 ms")

    answers = {q.id: q.correct_option_id for q in topic.questions}
    wrong = {q.id: next(o.id for o in q.options if not o.correct) for q in topic.questions}
    flip = [answers, wrong]

    def submit():
        # Alternate answers so every call is a real, counted attempt (not a duplicate).
        flip.reverse()
        body = json.dumps({"answers": flip[0]}).encode()
        request = Request.blank("/", method="POST", body=body)
        response = runtime.handle(block, "submit_check", request)
        assert response.status_code == 200, response.body

    report("knowledge-check submission through the handler (median)", median_ms(submit, RUNS, warmup=5), "ms",
           "interactive: < 50 ms")
