app_name = "workbooks"
urlpatterns = []
