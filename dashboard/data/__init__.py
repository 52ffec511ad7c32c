"""The Data page: what the store holds, the sample fleet, imports of export files and live sync."""
