import { z } from "zod";
import { maskableObject, scalarIn, textOf, timeIn, timeOf, type Wire } from "../fields.js";
import type { JuspayTime } from "../time.js";
import { ClientAuthTokenWire, toClientAuthToken, type JuspayClientAuthToken } from "./common.js";

// Juspay's customer object (reference §2.6): create, get and update answers.

export const CustomerWire = z.looseObject({
  id: z.string().min(1),
  object: scalarIn,
  object_reference_id: scalarIn,
  mobile_number: scalarIn,
  mobile_country_code: scalarIn,
  email_address: scalarIn,
  first_name: scalarIn,
  last_name: scalarIn,
  date_created: timeIn,
  last_updated: timeIn,
  juspay: maskableObject(ClientAuthTokenWire),
});

export interface JuspayCustomer {
  /** `cst_…` */
  id: string;
  objectReferenceId: string | null;
  mobileNumber: string | null;
  mobileCountryCode: string | null;
  emailAddress: string | null;
  firstName: string | null;
  lastName: string | null;
  dateCreated: JuspayTime | null;
  lastUpdated: JuspayTime | null;
  clientAuthToken: JuspayClientAuthToken | null;
  raw: Wire;
}

export const CustomerSchema = CustomerWire.transform(
  (w): JuspayCustomer => ({
    id: w.id,
    objectReferenceId: textOf(w.object_reference_id),
    mobileNumber: textOf(w.mobile_number),
    mobileCountryCode: textOf(w.mobile_country_code),
    emailAddress: textOf(w.email_address),
    firstName: textOf(w.first_name),
    lastName: textOf(w.last_name),
    dateCreated: timeOf(w.date_created),
    lastUpdated: timeOf(w.last_updated),
    clientAuthToken: toClientAuthToken(w.juspay),
    raw: w,
  }),
);
