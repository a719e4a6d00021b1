from django.urls import path

from orders import views

app_name = "orders"

urlpatterns = [
    path("", views.OrderListView.as_view(), name="list"),
    path("<int:pk>/", views.OrderDetailView.as_view(), name="detail"),
    path("<int:pk>/pay/", views.PayOrderView.as_view(), name="pay"),
    path("<int:pk>/cancel/", views.CancelOrderView.as_view(), name="cancel"),
    path("<int:pk>/delivery-slots/", views.DeliverySlotView.as_view(), name="delivery-slots"),
    path("<int:pk>/invoice/regenerate/", views.RegenerateInvoiceView.as_view(), name="regenerate-invoice"),
    path("api/<int:pk>/", views.OrderDetailAPIView.as_view(), name="api-detail"),
]
