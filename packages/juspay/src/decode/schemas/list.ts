import { z } from "zod";
import { intOf, scalarIn, type Wire } from "../fields.js";
import { MandateWire, toMandate, type JuspayMandate } from "./mandate.js";

// GET /customers/:id/mandates: {object: "list", total, offset, count, list: [mandate]}.

export const MandateListWire = z.looseObject({
  object: scalarIn,
  total: scalarIn,
  offset: scalarIn,
  count: scalarIn,
  list: z.array(MandateWire.extend({ mandate_id: z.string().min(1) })),
});

export interface JuspayMandateList {
  total: number | null;
  offset: number | null;
  count: number | null;
  mandates: JuspayMandate[];
  raw: Wire;
}

export const MandateListSchema = MandateListWire.transform((w, ctx): JuspayMandateList => {
  const mandates: JuspayMandate[] = [];
  w.list.forEach((entry, i) => {
    const mandate = toMandate(entry, ctx, ["list", i]);
    if (mandate) mandates.push(mandate);
    else ctx.addIssue({ code: "custom", message: "mandate_id is masked or empty", path: ["list", i, "mandate_id"] });
  });
  return { total: intOf(w.total), offset: intOf(w.offset), count: intOf(w.count), mandates, raw: w };
});
