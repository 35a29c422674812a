from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class FrameworksConfig(AppConfig):
    name = "frameworks"
    verbose_name = "評価フレームワーク（カタログ）"

    def ready(self):
        from frameworks.answer_shapes import forget_answer_shapes
        from frameworks.models import Choice, Edition, Indicator, PolicyArea, RubricLevel

        for model in (Edition, PolicyArea, Indicator, RubricLevel, Choice):
            for name, signal in (("save", post_save), ("delete", post_delete)):
                signal.connect(
                    forget_answer_shapes,
                    sender=model,
                    dispatch_uid=f"frameworks_answer_shapes_{model.__name__}_{name}",
                )
