// Human names of the contracts' enums.
import { MovementReason, StockAdjustmentKind } from "../gen/icc/v1/catalog_pb";
import { ForecastModel, ReorderUrgency } from "../gen/icc/v1/forecast_pb";
import { ChangeCause } from "../gen/icc/v1/inventory_pb";
import { OrderStatus } from "../gen/icc/v1/orders_pb";

export const reasonName: Record<MovementReason, string> = {
  [MovementReason.UNSPECIFIED]: "Unknown",
  [MovementReason.INITIAL]: "Initial stock",
  [MovementReason.RESTOCK]: "Restock",
  [MovementReason.CYCLE_COUNT]: "Cycle count",
  [MovementReason.DAMAGE]: "Damage / loss",
  [MovementReason.SALE]: "Sale",
  [MovementReason.CANCELLATION]: "Order cancelled",
};

export const adjustmentKinds: { kind: StockAdjustmentKind; label: string; help: string }[] = [
  { kind: StockAdjustmentKind.RESTOCK, label: "Restock", help: "Units received are added." },
  { kind: StockAdjustmentKind.CYCLE_COUNT, label: "Cycle count", help: "Stock becomes the counted number." },
  { kind: StockAdjustmentKind.DAMAGE, label: "Damage / loss", help: "Units lost are removed." },
];

export const statusName: Record<OrderStatus, string> = {
  [OrderStatus.UNSPECIFIED]: "Any",
  [OrderStatus.PLACED]: "Placed",
  [OrderStatus.CANCELLED]: "Cancelled",
};

export const causeName: Record<ChangeCause, string> = {
  [ChangeCause.UNSPECIFIED]: "Change",
  [ChangeCause.PRODUCT_CREATED]: "Product created",
  [ChangeCause.PRODUCT_UPDATED]: "Product updated",
  [ChangeCause.PRODUCT_ARCHIVED]: "Product archived",
  [ChangeCause.STOCK_ADJUSTED]: "Stock adjusted",
  [ChangeCause.ORDER_PLACED]: "Order placed",
  [ChangeCause.ORDER_CANCELLED]: "Order cancelled",
};

export const modelName: Record<ForecastModel, string> = {
  [ForecastModel.UNSPECIFIED]: "Default",
  [ForecastModel.AUTO]: "Auto (best backtest)",
  [ForecastModel.SEED]: "Seed regression",
  [ForecastModel.NAIVE]: "Naive",
  [ForecastModel.SEASONAL_NAIVE]: "Seasonal naive",
  [ForecastModel.MOVING_AVERAGE]: "Moving average",
  [ForecastModel.REGRESSION]: "Regression",
  [ForecastModel.INTERMITTENT]: "Intermittent (Croston)",
  [ForecastModel.LOG_REGRESSION]: "Log-scale regression",
};

export const urgencyName: Record<ReorderUrgency, string> = {
  [ReorderUrgency.UNSPECIFIED]: "Unknown",
  [ReorderUrgency.OK]: "OK",
  [ReorderUrgency.SOON]: "Soon",
  [ReorderUrgency.NOW]: "Order now",
  [ReorderUrgency.CRITICAL]: "Critical",
};
