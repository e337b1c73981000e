"""The procurement review service (formerly Mystery Shopper): suppliers' concerns about a
procurement, a prime contractor's treatment of a subcontractor, or a late payment, triaged,
investigated, answered by the buyer, closed with an outcome and published without the raiser."""
