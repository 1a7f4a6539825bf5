"""/my/course/[id] — a course's lessons; the member marks them complete in order."""

import reflex as rx

from .. import routes
from ..components.forms import error_callout
from ..components.layout import page_shell
from ..services.access import LessonRow
from ..state.my_access import CourseState

S = CourseState


def _lesson(lesson: LessonRow) -> rx.Component:
    label = "Lesson " + lesson.number.to_string()
    return rx.hstack(
        rx.text(label, width="120px"),
        rx.cond(
            lesson.done,
            rx.badge("completed", color_scheme="green"),
            rx.cond(lesson.is_next,
                    rx.button("Mark " + label.lower() + " complete", size="1",
                              on_click=S.complete(lesson.number)),
                    rx.text("not yet", size="2", color="gray")),
        ),
        align="center",
        spacing="3",
    )


@rx.page(route=routes.COURSE_PAGE, title="Course · MemberSync", on_load=CourseState.load)
def course_page() -> rx.Component:
    return page_shell(
        rx.link("← My access", href=routes.MY_ACCESS, size="2"),
        error_callout(S.course_error, "course-error"),
        rx.cond(
            S.course_loaded,
            rx.vstack(
                rx.heading(S.course_title, size="7", as_="h1"),
                rx.text(S.course_progress, " · ", S.course_status, id="course-progress"),
                rx.foreach(S.lessons, _lesson),
                spacing="3",
            ),
        ),
    )
