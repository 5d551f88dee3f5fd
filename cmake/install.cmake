# The package other CMake projects find: find_package(tensord) gives
# tensord::client (and tensord::proto, which it links). The targets add
# themselves to the export set tensordTargets in their own folders.
include(CMakePackageConfigHelpers)

set(TENSORD_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/tensord)
install(EXPORT tensordTargets
  NAMESPACE tensord::
  FILE tensordTargets.cmake
  DESTINATION ${TENSORD_CMAKE_DIR})
configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/tensordConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/tensordConfig.cmake
  INSTALL_DESTINATION ${TENSORD_CMAKE_DIR})
write_basic_package_version_file(
  ${CMAKE_CURRENT_BINARY_DIR}/tensordConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${CMAKE_CURRENT_BINARY_DIR}/tensordConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/tensordConfigVersion.cmake
  DESTINATION ${TENSORD_CMAKE_DIR})
