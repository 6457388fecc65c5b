app_name = "protection"
urlpatterns = []
