"""REST representations of orders."""
from rest_framework import serializers

from orders.models import Order, OrderLine


class OrderLineSerializer(serializers.ModelSerializer):
    total_cents = serializers.IntegerField(read_only=True)

    class Meta:
        model = OrderLine
        fields = ["sku", "description", "quantity", "unit_price_cents", "total_cents"]


class OrderSerializer(serializers.ModelSerializer):
    lines = OrderLineSerializer(many=True, read_only=True)
    total_cents = serializers.IntegerField(read_only=True)
    status = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Order
        fields = ["id", "status", "currency", "total_cents", "lines", "created_at"]
