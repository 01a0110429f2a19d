import { describe, expect, it } from "vitest";
import { mergedSlots, moved, withoutSlot } from "./order.ts";

describe("moved", () => {
  it("moves a post up or down by one", () => {
    expect(moved([1, 2, 3], 2, 1)).toEqual([1, 3, 2]);
    expect(moved([1, 2, 3], 0, 1)).toEqual([2, 1, 3]);
  });
  it("moves a post to any position (drag) and stays in bounds", () => {
    expect(moved([1, 2, 3, 4], 3, 0)).toEqual([4, 1, 2, 3]);
    expect(moved([1, 2, 3], 0, -1)).toEqual([1, 2, 3]);
    expect(moved([1, 2, 3], 2, 9)).toEqual([1, 2, 3]);
  });
});

describe("slots", () => {
  it("merges without repeats, in week order", () => {
    const merged = mergedSlots(
      [{ weekday: 2, time: "09:00" }, { weekday: 0, time: "18:00" }],
      [{ weekday: 0, time: "08:00" }, { weekday: 2, time: "09:00" }],
    );
    expect(merged).toEqual([
      { weekday: 0, time: "08:00" }, { weekday: 0, time: "18:00" }, { weekday: 2, time: "09:00" },
    ]);
    expect(withoutSlot(merged, { weekday: 0, time: "18:00" })).toHaveLength(2);
  });
});
