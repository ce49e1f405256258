"""A story's headline in the reader's interface language and script: the English interface
shows an English member's headline when the story has one, 繁體 shows a Traditional one
(or converts a Simplified one with OpenCC), 简体 likewise; otherwise the story's lead."""

from __future__ import annotations

from dataclasses import dataclass

from newsloom.intel.text import is_traditional, to_simplified, to_traditional
from newsloom.news.models import Article, Story


@dataclass(frozen=True)
class Headline:
    article: Article  # the article the headline links to
    title: str
    lang: str  # for the lang attribute: en, zh-Hant, zh-Hans, ...


def _script_lang(article: Article) -> str:
    if article.language == "zh":
        return "zh-Hant" if is_traditional(article.title) else "zh-Hans"
    return article.language or "und"


def headline(lead: Article, members: list[Article], interface: str) -> Headline:
    """The headline for one story: `members` in publication order, `interface` a Django
    language code (en, zh-hant, zh-hans)."""
    interface = interface.lower()
    wanted_language = "zh" if interface.startswith("zh") else interface.split("-")[0]
    in_language = [m for m in members if m.language == wanted_language]
    if not in_language:
        return Headline(lead, lead.title, _script_lang(lead))
    if wanted_language != "zh":
        chosen = lead if lead in in_language else in_language[0]
        return Headline(chosen, chosen.title, _script_lang(chosen))
    script = "zh-Hant" if interface == "zh-hant" else "zh-Hans"
    in_script = [m for m in in_language if _script_lang(m) == script]
    if in_script:
        chosen = lead if lead in in_script else in_script[0]
        return Headline(chosen, chosen.title, script)
    chosen = lead if lead in in_language else in_language[0]
    convert = to_traditional if script == "zh-Hant" else to_simplified
    return Headline(chosen, convert(chosen.title), script)


def story_headlines(stories: list[Story], interface: str) -> list[tuple[Story, Headline]]:
    """Headlines for several stories with one query for all their members."""
    members: dict[int, list[Article]] = {}
    for article in (Article.objects.filter(story__in=[s.pk for s in stories],
                                           duplicate_of__isnull=True)
                    .select_related("source").order_by("published_at", "pk")):
        members.setdefault(article.story_id, []).append(article)  # type: ignore[arg-type]
    return [(story, headline(story.lead_article, members.get(story.pk, []), interface))
            for story in stories if story.lead_article is not None]
